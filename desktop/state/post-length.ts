import { useEffect, useState } from 'preact/hooks';
import type { PostLength } from '../../protocol/post-length-rules.ts';

/**
 * The X weighted-length counter for the reply box, loaded on first use: twitter-text is about 25 KB gzip
 * that only agents answering public posts need, so it is a chunk of its own (like the emoji picker).
 */
type Counter = (text: string) => PostLength;
let counter: Counter | null = null;
let loading: Promise<Counter> | null = null;

export function loadPostLength(): Promise<Counter> {
  loading ??= import('../../protocol/post-length.ts').then((module) => (counter = module.postLength));
  return loading;
}

/** The length of `text`, or null until the counter has loaded (Send stays disabled meanwhile). */
export function usePostLength(text: string): PostLength | null {
  const [ready, setReady] = useState(counter !== null);
  useEffect(() => {
    if (ready) return;
    let live = true;
    void loadPostLength().then(() => live && setReady(true));
    return () => void (live = false);
  }, []);
  return ready && counter ? counter(text) : null;
}
