import { describe, expect, it } from 'vitest';
import { anchors, exists, markdownPages, read, relativeLinks, type Link } from './docs-tree.ts';

const pages = markdownPages();
const links = pages.flatMap((page) => relativeLinks(page, read(page)));
const where = (l: Link) => `${l.from} → ${l.target}`;

describe('the docs as a reader clicks through them', () => {
  it('have no relative link to a missing file', () => {
    const broken = links.filter((l) => !exists(l.path)).map(where);
    expect(broken).toEqual([]);
  });

  it('have no link to a heading that is not there', () => {
    const anchorsOf = new Map(pages.map((page) => [page, anchors(read(page))]));
    const broken = links.filter((l) => l.anchor && l.path.endsWith('.md') && exists(l.path) && !anchorsOf.get(l.path)?.has(l.anchor)).map(where);
    expect(broken).toEqual([]);
  });

  it('reach every page under docs/ from the README, directly or through other pages', () => {
    const reached = new Set(['README.md']);
    const queue = ['README.md'];
    for (let page = queue.shift(); page; page = queue.shift()) {
      for (const link of relativeLinks(page, read(page))) {
        if (link.path.endsWith('.md') && exists(link.path) && !reached.has(link.path)) {
          reached.add(link.path);
          queue.push(link.path);
        }
      }
    }
    expect(pages.filter((page) => page.startsWith('docs/') && !reached.has(page))).toEqual([]);
  });

  it('use every image under docs/', () => {
    const used = new Set(links.map((l) => l.path));
    const images = ['docs/images/widget.png', 'docs/images/desktop.png', 'docs/operations/bench-latency.svg'];
    expect(images.filter((image) => !exists(image) || !used.has(image))).toEqual([]);
  });

  it('give every page under docs/ a title and real content', () => {
    const thin = pages
      .filter((page) => page.startsWith('docs/'))
      .filter((page) => {
        const text = read(page);
        return !/^# \S/m.test(text) || text.split(/\s+/).length < 150;
      });
    expect(thin).toEqual([]);
  });
});
