// Test driver: answers hello with the shape named by its first argument (well-formed claims that
// game the core, or a malformed hello), and every other request with an empty success, emitting
// nothing. Shapes: core-only, no-netstatus-fps, look-alikes, twice, and the malformed ones
// caps-string, caps-missing, list-not-array, list-number, events-missing, name-number,
// version-missing, platform-number, result-array.
import { createInterface } from 'node:readline';

const CORE = {
  attributes: ['url', 'mode', 'autopush', 'muted', 'enable-camera', 'enable-mic', 'min-bitrate', 'max-bitrate', 'fps', 'orientation'],
  methods: ['start', 'stop'],
  events: ['statechange', 'netstatus', 'error'],
};
const hello = (capabilities, extra = {}) => ({ name: 'claims', version: '0.0.1', capabilities, ...extra });
const drop = (list, names) => list.filter((n) => !names.includes(n));

const SHAPES = {
  'core-only': hello(CORE),
  'no-netstatus-fps': hello({ ...CORE, attributes: drop(CORE.attributes, ['fps']), events: drop(CORE.events, ['netstatus']) }),
  'look-alikes': hello({ ...CORE, attributes: [...CORE.attributes, 'Mirror', ' remote-mirror '] }),
  twice: hello({ ...CORE, methods: [...CORE.methods, 'start'] }),
  'caps-string': hello('everything'),
  'caps-missing': { name: 'claims', version: '0.0.1' },
  'list-not-array': hello({ ...CORE, methods: 'start,stop' }),
  'list-number': hello({ ...CORE, events: ['statechange', 7] }),
  'events-missing': hello({ attributes: CORE.attributes, methods: CORE.methods }),
  'name-number': { ...hello(CORE), name: 42 },
  'version-missing': { name: 'claims', capabilities: CORE },
  'platform-number': hello(CORE, { platform: 1 }),
  'result-array': [CORE],
};

const shape = process.argv[2] ?? '';
if (!(shape in SHAPES)) {
  process.stderr.write(`claims-driver: unknown shape ${JSON.stringify(shape)}; expected one of ${Object.keys(SHAPES).join(', ')}\n`);
  process.exit(2);
}
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method === 'hello') return send({ id: msg.id, result: SHAPES[shape] });
  send({ id: msg.id, result: {} });
  if (msg.method === 'dispose') process.exit(0);
});
