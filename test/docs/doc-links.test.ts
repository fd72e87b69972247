import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { REPO_ROOT } from '../helpers/demo-model';

/** The files whose references are checked: documentation and sources. */
const SCANNED = /\.(?:md|ts|mjs|js|py)$/;
/** A path below `docs/`, as sources and pages name it: `docs/errors.md`, `../../docs/errors.md#codes`. */
const DOCS_REFERENCE = /(?<![\w.-])docs\/([\w.-]+\.(?:md|json|png))(?:#([\w-]+))?/g;
/** A markdown link or image `[text](target "title")`. */
const MARKDOWN_LINK = /!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** How this project used to cite the specification it was built from, which users never see. */
const EXTERNAL_SPEC_CITATION = /SPEC\s+§/;

/** One file of the repository, by its `/`-separated path from the root. */
interface ScannedFile {
  path: string;
  text: string;
}

/**
 * The repository's own text files: everything but what `.gitignore` names (dependencies, builds, caches), read
 * from disk rather than from git so that pages not committed yet are checked too.
 */
function repositoryFiles(root: string): ScannedFile[] {
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('/'))
    .map((line) => ({ name: line.replace(/^\/|\/$/g, ''), rootOnly: line.startsWith('/') }));
  const files: ScannedFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const skip =
          entry.name === '.git' ||
          ignored.some((pattern) => pattern.name === entry.name && (!pattern.rootOnly || dir === root));
        if (!skip) walk(path);
      } else if (entry.isFile() && SCANNED.test(entry.name)) {
        files.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(root);
  return files;
}

/** Markdown without its fenced code blocks, whose `#` lines are comments and `[x](y)` is code. */
function withoutFencedCode(markdown: string): string {
  return markdown.replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '');
}

/**
 * The anchors GitHub gives a page's headings: lower case, punctuation dropped (letters, digits, spaces, `-` and
 * `_` kept), spaces as `-`, and `-1`, `-2`, ... after repeats of one slug.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading = ''] of withoutFencedCode(markdown).matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
  }
  return anchors;
}

/** A reference from one file to a file (and maybe a heading) of the repository. */
interface Reference {
  from: string;
  /** The target's path from the repository root. */
  target: string;
  anchor: string | undefined;
}

/** Every `docs/<file>` a file names, in code, comments or prose, resolved from the repository root. */
function docsReferences(file: ScannedFile): Reference[] {
  return [...file.text.matchAll(DOCS_REFERENCE)].map(([, name = '', anchor]) => ({
    from: file.path,
    target: `docs/${name}`,
    anchor,
  }));
}

/** Every relative link of a markdown file (web and mail links aside), resolved from its folder. */
function markdownLinks(file: ScannedFile): Reference[] {
  const prose = withoutFencedCode(file.text).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(MARKDOWN_LINK)].flatMap(([, link = '']) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return [];
    const hash = link.indexOf('#');
    const path = hash < 0 ? link : link.slice(0, hash);
    const anchor = hash < 0 ? undefined : link.slice(hash + 1);
    const target = path === '' ? file.path : join(dirname(file.path), decodeURIComponent(path));
    return [{ from: file.path, target: target.split(sep).join('/'), anchor }];
  });
}

/** What is wrong with each reference: a file that does not exist, or an anchor that is no heading of it. */
function brokenReferences(root: string, references: readonly Reference[]): string[] {
  const anchorsOf = new Map<string, Set<string>>();
  return references.flatMap(({ from, target, anchor }) => {
    const path = join(root, target);
    if (!existsSync(path)) return [`${from}: ${target} does not exist`];
    if (anchor === undefined) return [];
    if (!target.endsWith('.md') || statSync(path).isDirectory()) {
      return [`${from}: ${target}#${anchor} links into a file that has no headings`];
    }
    let anchors = anchorsOf.get(target);
    if (anchors === undefined) {
      anchors = headingAnchors(readFileSync(path, 'utf8'));
      anchorsOf.set(target, anchors);
    }
    return anchors.has(anchor) ? [] : [`${from}: ${target} has no heading for #${anchor}`];
  });
}

function isMarkdown(file: ScannedFile): boolean {
  return file.path.endsWith('.md');
}

describe('references to the documentation', () => {
  // This file is left out: its examples of broken references are meant to be broken.
  const files = repositoryFiles(REPO_ROOT).filter((file) => join(REPO_ROOT, file.path) !== __filename);

  it('finds the pages, sources and READMEs it checks', () => {
    // Act
    const paths = files.map((file) => file.path);

    // Assess
    expect(paths).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/README.md',
        'docs/errors.md',
        'lambdas/README.md',
        'shared/errors.ts',
        'tools/build-lambda.mjs',
        'tools/demo-model/train.py',
      ]),
    );
    expect(paths.filter((path) => path.includes('node_modules/') || path.includes('/dist/'))).toEqual([]);
  });

  it('slugs headings as GitHub does, numbering repeats and leaving code blocks out', () => {
    // Prepare
    const page = [
      '# The model directory',
      '## config.json fields',
      '## Folders (align-dir)',
      '### Error_CODE',
      '## Commands',
      '## Commands',
      '```sh',
      '# a shell comment, not a heading',
      '```',
    ].join('\n');

    // Act
    const anchors = headingAnchors(page);

    // Assess
    expect([...anchors]).toEqual([
      'the-model-directory',
      'configjson-fields',
      'folders-align-dir',
      'error_code',
      'commands',
      'commands-1',
    ]);
  });

  it('reports a missing page, a missing heading and a broken relative link', () => {
    // Prepare
    const source: ScannedFile = {
      path: 'shared/example.ts',
      text: '// see docs/errors.md#codes, docs/errors.md#no-such-heading and docs/no-such-page.md',
    };
    const page: ScannedFile = {
      path: 'docs/errors.md',
      text: 'See [codes](errors.md#codes), [nothing](missing.md), [here](#nowhere) and `[code](not-a-link.md)`.',
    };

    // Act
    const problems = brokenReferences(REPO_ROOT, [...docsReferences(source), ...markdownLinks(page)]);

    // Assess
    expect(problems).toEqual([
      'shared/example.ts: docs/errors.md has no heading for #no-such-heading',
      'shared/example.ts: docs/no-such-page.md does not exist',
      'docs/errors.md: docs/missing.md does not exist',
      'docs/errors.md: docs/errors.md has no heading for #nowhere',
    ]);
  });

  it('names only docs/ files that exist, and only headings those pages have', () => {
    // Prepare
    const references = files.flatMap(docsReferences);

    // Act
    const problems = brokenReferences(REPO_ROOT, references);

    // Assess
    expect(references.length).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('has relative markdown links that lead to existing files and headings', () => {
    // Prepare
    const links = files.filter(isMarkdown).flatMap(markdownLinks);

    // Act
    const problems = brokenReferences(REPO_ROOT, links);

    // Assess
    expect(links.some((link) => link.from === 'docs/README.md')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('cites the docs/ pages, never the external specification', () => {
    // Act
    const citing = files.filter((file) => EXTERNAL_SPEC_CITATION.test(file.text)).map((file) => file.path);

    // Assess
    expect(citing).toEqual([]);
  });
});
