// Keeps spec/live-pusher.json equal to its seed: the 通用属性, 错误码, 状态码 and 网络状态数据 tables
// of live-pusher.zh.md and the LivePusherContext / presets / retry facts of context-api.md.
// Every row must be in the JSON with the same name, type, default, min version and text, and the
// JSON must hold nothing the seed lacks.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spec, type AttributeSpec, type EnumValue } from '../../spec/index.ts';
import { sectionTable, type MarkdownTable } from './markdown-table.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = path.resolve(repoRoot, '..', 'shared', 'spec');
const seedDir = path.join(repoRoot, 'spec', 'seed');
const SEED_FILES = ['live-pusher.zh.md', 'context-api.md'] as const;
const seedRoot = existsSync(sharedDir) ? sharedDir : seedDir;
const readSeed = (file: string): string => readFileSync(path.join(seedRoot, file), 'utf8');

const zh = readSeed('live-pusher.zh.md');
const ctx = readSeed('context-api.md');

const LEGAL_ROW_PREFIX = '合法值说明';
const LEGAL_ROW_VERSION_HEADER = '最低版本';
const EVENT_PREFIX = 'bind';
const REQUIRED_YES = '是';
const VERSION_LINK = /^\[(\d+(?:\.\d+)+)\]\((.+)\)$/;
const EXPECTED_COUNTS = { attributes: 39, events: 9, statusCodes: 46, errorCodes: 4, netstatus: 11 };

function versionOf(cell: string): string {
  const m = VERSION_LINK.exec(cell);
  if (!m?.[1]) throw new Error(`not a version link: ${cell}`);
  expect(m[2]).toBe(spec.meta.compatibilityUrl);
  return m[1];
}

interface AttributeRow {
  cells: string[];
  legalRow: string | null;
}

function attributeTable(): { attributes: AttributeRow[]; events: string[][] } {
  const table: MarkdownTable = sectionTable(zh, '通用属性');
  expect(table.header).toEqual(['', '属性', '类型', '默认值', '必填', '说明', '最低版本']);
  const attributes: AttributeRow[] = [];
  const events: string[][] = [];
  for (const cells of table.rows) {
    const name = cells[1] ?? '';
    if (name.startsWith(LEGAL_ROW_PREFIX)) {
      const owner = attributes.at(-1);
      if (!owner || owner.legalRow !== null) throw new Error(`orphan legal-values row: ${name}`);
      owner.legalRow = name;
    } else if (name.startsWith(EVENT_PREFIX)) events.push(cells);
    else attributes.push({ cells, legalRow: null });
  }
  return { attributes, events };
}

const seed = attributeTable();

function enumText(value: EnumValue): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** The 合法值说明 cell as the JSON would render it (the source flattens the inner table). */
function renderLegalRow(a: AttributeSpec): string | null {
  const fromRow = (a.values ?? []).filter((v) => v.source === 'legal-values-row');
  if (fromRow.length === 0) return null;
  const versioned = fromRow.some((v) => v.minVersion !== null);
  const body = fromRow
    .map((v) => `${enumText(v.value)}${v.description ?? ''}${v.minVersion ? `[${v.minVersion}](${spec.meta.compatibilityUrl})` : ''}`)
    .join('');
  return `${LEGAL_ROW_PREFIX}${versioned ? LEGAL_ROW_VERSION_HEADER : ''}${body}`;
}

/** Legal values a 说明 text spells out itself: "0：关闭变声；1：…", "值为`high`, `low`", "可选值有 `3:4`, …". */
function valuesInDescription(original: string): Array<{ value: EnumValue; description: string | null }> {
  if (/^\d+：[^；]+(；\d+：[^；]+)*$/.test(original)) {
    return original.split('；').map((pair) => {
      const [value = '', description = ''] = pair.split('：');
      return { value: Number(value), description };
    });
  }
  const listed = /^(.*?)，(?:值为|可选值有)\s*(`[^`]+`(?:,\s*`[^`]+`)*)$/.exec(original);
  if (!listed?.[2]) return [];
  const names = [...listed[2].matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
  const descriptions = (listed[1] ?? '').split('或');
  const described = descriptions.length === names.length;
  return names.map((value, i) => ({ value, description: described ? (descriptions[i] ?? null) : null }));
}

describe('seed files', () => {
  it('the shared seed and the in-repo copy are identical when both exist', () => {
    for (const file of SEED_FILES) {
      expect(existsSync(path.join(seedDir, file)), `spec/seed/${file} must be committed`).toBe(true);
      if (existsSync(sharedDir)) {
        expect(readFileSync(path.join(seedDir, file), 'utf8')).toBe(readFileSync(path.join(sharedDir, file), 'utf8'));
      }
    }
  });

  it('counts match the tables', () => {
    expect(seed.attributes).toHaveLength(EXPECTED_COUNTS.attributes);
    expect(seed.events).toHaveLength(EXPECTED_COUNTS.events);
    expect(sectionTable(zh, '状态码').rows).toHaveLength(EXPECTED_COUNTS.statusCodes);
    expect(sectionTable(zh, '错误码').rows).toHaveLength(EXPECTED_COUNTS.errorCodes);
    expect(sectionTable(zh, '网络状态数据').rows).toHaveLength(EXPECTED_COUNTS.netstatus);
    expect(spec.attributes).toHaveLength(EXPECTED_COUNTS.attributes);
    expect(spec.events).toHaveLength(EXPECTED_COUNTS.events);
    expect(spec.statusCodes).toHaveLength(EXPECTED_COUNTS.statusCodes);
    expect(spec.errorCodes).toHaveLength(EXPECTED_COUNTS.errorCodes);
    expect(spec.netstatus).toHaveLength(EXPECTED_COUNTS.netstatus);
  });

  it('the JSON has exactly the expected top-level sections and base version', () => {
    expect(Object.keys(spec).sort()).toEqual(['attributes', 'errorCodes', 'events', 'meta', 'methods', 'netstatus', 'presets', 'retry', 'statusCodes']);
    expect(zh).toContain(`基础库 ${spec.meta.baseVersion} 开始支持`);
    expect(spec.meta.sources).toEqual([...SEED_FILES]);
  });
});

describe('attributes (通用属性)', () => {
  it('are the table rows, in order, nothing more', () => {
    expect(spec.attributes.map((a) => a.name)).toEqual(seed.attributes.map((r) => r.cells[1]));
  });

  for (const [i, row] of seed.attributes.entries()) {
    const [, name, type, defaultCell, required, original, version] = row.cells;
    it(`${name}: type, default, required, min version, text`, () => {
      const a = spec.attributes[i];
      if (!a) throw new Error(`missing attribute ${name}`);
      expect(a.name).toBe(name);
      expect(a.type).toBe(type);
      if (defaultCell === '') expect(a.default).toBeNull();
      else {
        expect(String(a.default)).toBe(defaultCell);
        expect(typeof a.default).toBe(a.type === 'string/Array' ? 'string' : a.type);
      }
      expect(a.required).toBe(required === REQUIRED_YES);
      expect(a.minVersion).toBe(versionOf(version ?? ''));
      expect(a.original).toBe(original);
    });

    it(`${name}: legal values match the 合法值说明 row and the 说明 text`, () => {
      const a = spec.attributes[i];
      if (!a) throw new Error(`missing attribute ${name}`);
      expect(renderLegalRow(a)).toBe(row.legalRow);
      const described = (a.values ?? [])
        .filter((v) => v.source === 'description')
        .map((v) => ({ value: v.value, description: v.description }));
      expect(described).toEqual(valuesInDescription(a.original));
      if (a.default !== null && a.values) expect(a.values.map((v) => v.value)).toContainEqual(a.default);
    });

    it(`${name}: range, requires, immutability and platform notes follow the text`, () => {
      const a = spec.attributes[i];
      if (!a) throw new Error(`missing attribute ${name}`);
      const span = /(\d+)\s*[-~]\s*(\d+)/.exec(a.original);
      if (span) expect([a.range?.min, a.range?.max]).toEqual([Number(span[1]), Number(span[2])]);
      else if (a.range) expect(a.range.max).toBeNull();
      const needs = /需要开启 `([^`]+)`/.exec(a.original);
      expect(a.requires).toEqual(needs ? { attribute: needs[1], value: true } : null);
      expect(a.immutableAfterCreate).toBe(a.original.includes('设定后不能更改'));
      expect(a.unsupportedPlatforms).toEqual(a.original.includes('鸿蒙 OS 暂不支持') ? ['harmonyos'] : []);
    });
  }

  it('deprecations follow the text', () => {
    const deprecated = spec.attributes.filter((a) => a.deprecated);
    expect(deprecated.map((a) => a.name)).toEqual(['muted', 'background-mute', 'mirror']);
    const byName = new Map(spec.attributes.map((a) => [a.name, a]));
    expect(byName.get('muted')?.original).toContain('即将废弃');
    expect(byName.get('background-mute')?.original).toContain('已废弃');
    expect(byName.get('remote-mirror')?.original).toContain('后续 mirror 将废弃');
    for (const a of deprecated) {
      if (a.replacedBy !== null) expect(a.original + (byName.get(a.replacedBy)?.original ?? '')).toContain(a.replacedBy === 'remote-mirror' ? 'mirror' : a.replacedBy);
    }
  });
});

describe('events (bind* rows)', () => {
  it('are the table rows, in order, nothing more', () => {
    expect(spec.events.map((e) => e.name)).toEqual(seed.events.map((r) => r[1]));
  });

  for (const [i, cells] of seed.events.entries()) {
    const [, name, type, , , original, version] = cells;
    it(`${name}: event name, type, min version, text, detail`, () => {
      const e = spec.events[i];
      if (!e) throw new Error(`missing event ${name}`);
      expect(e.name).toBe(name);
      expect(e.event).toBe(name?.slice(EVENT_PREFIX.length));
      expect(e.type).toBe(type);
      expect(e.minVersion).toBe(versionOf(version ?? ''));
      expect(e.original).toBe(original);
      const detail = /detail = \{([^}]*)\}/.exec(e.original);
      const tableFields = detail?.[1] ? detail[1].split(',').map((f) => f.trim()) : [];
      expect(e.detail.filter((d) => d.source === 'table').map((d) => d.name)).toEqual(tableFields);
    });
  }
});

describe('status codes (状态码)', () => {
  const rows = sectionTable(zh, '状态码').rows;

  it('are the table rows, in order, with the exact text', () => {
    expect(spec.statusCodes.map((s) => [s.code, s.original])).toEqual(rows.map(([c, t]) => [Number(c), t]));
  });

  it('categories follow the text', () => {
    for (const s of spec.statusCodes) {
      expect(s.category === 'room', `${s.code}`).toBe(s.original.includes('ROOM协议'));
      expect(s.platform === 'ios', `${s.code}`).toBe(s.original.includes('iOS特有'));
      if (s.code < 0) expect(s.category).toBe('error');
      if (s.code === 0) expect(s.category).toBe('none');
    }
    expect(spec.statusCodes.filter((s) => s.retried).map((s) => s.code)).toEqual([3001, 3002, 3003, 3004, 3005]);
    expect(ctx).toContain('All are retried');
  });
});

describe('error codes (错误码)', () => {
  it('are the table rows, in order, and agree with the status-code rows', () => {
    const rows = sectionTable(zh, '错误码').rows;
    expect(spec.errorCodes.map((e) => [e.code, e.original])).toEqual(rows.map(([c, t]) => [Number(c), t]));
    for (const e of spec.errorCodes) {
      expect(spec.statusCodes.find((s) => s.code === e.code)?.original).toBe(e.original);
    }
  });
});

describe('netstatus (网络状态数据)', () => {
  it('keys are the table rows, in order, with the exact text and stated units', () => {
    const rows = sectionTable(zh, '网络状态数据').rows;
    expect(spec.netstatus.map((k) => [k.key, k.original])).toEqual(rows.map(([k, t]) => [k, t]));
    for (const k of spec.netstatus) {
      const unit = /单位 (\w+)/.exec(k.original);
      if (unit) expect(k.unit).toBe(unit[1]);
    }
    // Units the text implies without 单位: frame rate, speed (context-api.md: send speed, kbps),
    // picture size and frame counts (堆积的视频帧数).
    expect(spec.netstatus.map((k) => k.unit)).toEqual(['kbps', 'kbps', 'fps', 's', 'kbps', null, null, 'px', 'px', 'frames', 'frames']);
    expect(ctx).toContain('netSpeed — send\nspeed, kbps');
  });

  it('netQualityLevel values are the ones in its text', () => {
    const level = spec.netstatus.find((k) => k.key === 'netQualityLevel');
    const listed = [...(level?.original ?? '').matchAll(/(\d+)：(\S+)/g)].map((m) => ({ value: Number(m[1]), original: m[2] }));
    expect(listed).toHaveLength(7);
    expect(level?.values?.map((v) => ({ value: v.value, original: v.original }))).toEqual(listed);
    expect(spec.netstatus.filter((k) => k.values !== null)).toHaveLength(1);
  });
});

describe('context-api.md', () => {
  const table = sectionTable(ctx, 'LivePusherContext');
  const VERSION_SUFFIX = /\s*\[(\d+(?:\.\d+)+)\]\s*$/;
  const rows = table.rows.map(([methodCell = '', params = '', result = '']) => {
    const version = VERSION_SUFFIX.exec(methodCell)?.[1] ?? null;
    const listedAs = methodCell.replace(VERSION_SUFFIX, '');
    return { listedAs, version, names: listedAs.split(/\s*[/,]\s*/), params, result };
  });

  it('every listed method is in the JSON with its row and min version; nothing extra', () => {
    const covered = new Set<string>();
    for (const row of rows) {
      for (const listed of row.names) {
        const pattern = new RegExp(`^${listed.replace('*', '\\w+')}$`);
        const found = spec.methods.filter((m) => pattern.test(m.name));
        expect(found.length, listed).toBeGreaterThan(0);
        if (!listed.includes('*')) expect(found).toHaveLength(1);
        for (const m of found) {
          expect(m.listedAs, m.name).toBe(row.listedAs);
          expect(m.minVersion, m.name).toBe(row.version ?? spec.meta.baseVersion);
          covered.add(m.name);
        }
      }
    }
    expect(spec.methods.map((m) => m.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  it('params and results of single-method rows match the table', () => {
    for (const row of rows.filter((r) => r.names.length === 1)) {
      const m = spec.methods.find((x) => x.name === row.names[0]);
      if (!m) throw new Error(`missing method ${row.listedAs}`);
      const braced = /^`?\{([^}]*)\}/.exec(row.params);
      const ticked = [...row.params.matchAll(/`(\w+)`: `(\w+)` or `(\w+)`(?: \[([\d.]+)\])?/g)];
      if (braced?.[1]) {
        const listed = braced[1].split(',').map((p) => p.trim());
        expect(m.params.map((p) => (p.required ? p.name : `${p.name}?`)), m.name).toEqual(listed);
      } else if (ticked.length > 0) {
        expect(m.params.map((p) => [p.name, p.values, p.minVersion]), m.name).toEqual(ticked.map((t) => [t[1], [t[2], t[3]], t[4] ?? null]));
      } else expect(m.params, m.name).toEqual([]);
      const typed = /typed \*\*(\w+)\*\*/.exec(row.params);
      if (typed) expect(m.params[0]?.type, m.name).toBe(typed[1]);
      const resultFields = /^`?\{([^}]*)\}/.exec(row.result);
      if (resultFields?.[1]) expect(m.result.map((r) => r.name), m.name).toEqual(resultFields[1].split(',').map((f) => f.trim()));
    }
  });

  it('mode presets match the presets table', () => {
    const presetRows = sectionTable(ctx, 'Presets behind `mode`').rows;
    const range = /^(\d+)–(\d+)$/;
    const size = /(\d+)x(\d+)/g;
    for (const [mode = '', bitrate = '', resolution = '', fixed = ''] of presetRows) {
      const p = spec.presets.find((x) => x.mode === mode);
      if (!p) throw new Error(`missing preset ${mode}`);
      const b = range.exec(bitrate);
      expect(p.adaptiveBitrateKbps).toEqual({ min: Number(b?.[1]), max: Number(b?.[2]) });
      const sizes = [...resolution.matchAll(size)].map((s) => ({ width: Number(s[1]), height: Number(s[2]) }));
      expect(p.adaptiveResolution).toEqual({ min: sizes[0], max: sizes[1] });
      const f = /^(\d+) kbps, (\d+)x(\d+)$/.exec(fixed);
      expect(p.fixed).toEqual(f ? { bitrateKbps: Number(f[1]), width: Number(f[2]), height: Number(f[3]) } : null);
    }
    const unpublished = spec.presets.filter((p) => !presetRows.some(([mode]) => mode === p.mode));
    expect(unpublished.map((p) => p.mode)).toEqual(['QVGA', 'HVGA']);
    for (const p of unpublished) expect([p.adaptiveBitrateKbps, p.adaptiveResolution, p.fixed]).toEqual([null, null, null]);
    const modes = spec.attributes.find((a) => a.name === 'mode')?.values?.map((v) => v.value);
    expect([...(modes ?? [])].sort()).toEqual(spec.presets.map((p) => p.mode).sort());
  });

  it('retry defaults match the text', () => {
    const m = /(\d+) retries \(range (\d+)–(\d+)\), (\d+) s apart \(range (\d+)–(\d+)\); the web variant: (\d+) retries, (\d+) s/.exec(ctx);
    if (!m) throw new Error('retry sentence not found in context-api.md');
    const [count, countMin, countMax, interval, intervalMin, intervalMax, webCount, webInterval] = m.slice(1).map(Number);
    expect(spec.retry.count).toEqual({ default: count, min: countMin, max: countMax });
    expect(spec.retry.intervalSeconds).toEqual({ default: interval, min: intervalMin, max: intervalMax });
    expect(spec.retry.web).toEqual({ count: webCount, intervalSeconds: webInterval });
    expect(ctx).toContain(`${spec.retry.giveUpCode}: still disconnected after the retries are spent`);
  });

  it('component defaults stated in context-api.md agree with the attribute table', () => {
    const byName = new Map(spec.attributes.map((a) => [a.name, a]));
    const m = /min-bitrate\s+(\d+), max-bitrate (\d+), (\d+)x(\d+), fps (\d+) \((\d+)–(\d+)\)/.exec(ctx);
    if (!m) throw new Error('component defaults sentence not found in context-api.md');
    const [minB, maxB, w, h, fps, fpsMin, fpsMax] = m.slice(1).map(Number);
    expect([byName.get('min-bitrate')?.default, byName.get('max-bitrate')?.default]).toEqual([minB, maxB]);
    expect([byName.get('video-width')?.default, byName.get('video-height')?.default]).toEqual([w, h]);
    expect(byName.get('fps')?.default).toBe(fps);
    expect([byName.get('fps')?.range?.min, byName.get('fps')?.range?.max]).toEqual([fpsMin, fpsMax]);
  });
});
