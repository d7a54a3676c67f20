import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { slug } from './markdown.ts';

/**
 * The repository's Markdown as a reader clicks through it: which pages there are, the
 * relative links and `#anchors` each one has, and the headings they can point at.
 * Paths are relative to the repository root, with `/`.
 */
export const ROOT = normalize(join(import.meta.dirname, '../..'));

/** The pages whose links are checked: the landing page, CONTRIBUTING, the widget's README and all of docs/. */
export function markdownPages(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = `${dir}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) return docs(path);
      return name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', 'CONTRIBUTING.md', 'widget/README.md', ...docs('docs')];
}

export const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');
export const exists = (path: string) => existsSync(join(ROOT, path));

/** The page's lines with fenced code blocks blanked (their `#` lines are not headings, their brackets not links). */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** Anchors of the page's headings, as GitHub makes them (a repeated heading gets -1, -2…). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count ? `${base}-${count}` : base);
  }
  return out;
}

export interface Link {
  /** The page the link is on. */
  from: string;
  /** As written, e.g. `../api/rest.md#websites`. */
  target: string;
  /** The file it points to (repository-relative), or the page itself for `#anchor`. */
  path: string;
  anchor: string | null;
}

const LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** The relative links and images of a page (code blocks and code spans left out; web addresses are not checked). */
export function relativeLinks(page: string, markdown: string): Link[] {
  const links: Link[] = [];
  for (const line of proseLines(markdown)) {
    const text = line.replace(/(`+)[^`]*?\1/g, '');
    for (const match of text.matchAll(LINK)) {
      const target = match[1]!;
      if (EXTERNAL.test(target)) continue;
      const [file = '', anchor] = target.split('#');
      const path = file ? relative(ROOT, join(ROOT, dirname(page), decodeURIComponent(file))).split('\\').join('/') : page;
      links.push({ from: page, target, path, anchor: anchor === undefined ? null : decodeURIComponent(anchor) });
    }
  }
  return links;
}
