// Test helper: a small markdown reader for the spec seed files (live-pusher.zh.md,
// context-api.md). Splits a document into `## ` sections and reads the first pipe table of a
// section as rows of trimmed cells (header and separator rows dropped).

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

const SECTION_PREFIX = '## ';
const SEPARATOR_CELL = /^:?-+:?$/;

function cellsOf(line: string): string[] {
  return line.trim().split('|').slice(1, -1).map((c) => c.trim());
}

/** Section bodies keyed by heading text (without the `## `). */
export function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading: string | null = null;
  let body: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith(SECTION_PREFIX)) {
      if (heading !== null) out.set(heading, body.join('\n'));
      heading = line.slice(SECTION_PREFIX.length).trim();
      body = [];
    } else body.push(line);
  }
  if (heading !== null) out.set(heading, body.join('\n'));
  return out;
}

/** The first pipe table in `text`; throws when there is none. */
export function firstTable(text: string): MarkdownTable {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('|'));
  if (start < 0) throw new Error('no table found');
  const tableLines: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.trim().startsWith('|')) break;
    tableLines.push(line);
  }
  const [headerLine, separatorLine, ...rowLines] = tableLines;
  if (headerLine === undefined || separatorLine === undefined) throw new Error('table without header');
  if (!cellsOf(separatorLine).every((c) => SEPARATOR_CELL.test(c))) throw new Error('table without separator row');
  return { header: cellsOf(headerLine), rows: rowLines.map(cellsOf) };
}

/** The first table of the section whose heading starts with `heading`. */
export function sectionTable(markdown: string, heading: string): MarkdownTable {
  for (const [title, body] of sections(markdown)) {
    if (title.startsWith(heading)) return firstTable(body);
  }
  throw new Error(`no section "${heading}"`);
}
