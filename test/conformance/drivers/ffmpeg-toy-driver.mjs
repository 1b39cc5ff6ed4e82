// Test driver: a toy IUT that really pushes with plain ffmpeg (lavfi testsrc + sine, -f flv) to
// the url given in create/update attrs or in `call start` args. statechange 1001 when ffmpeg is
// spawned, 1002 once it reports progress; `call crash` kills the driver (exit 5); `call fail`
// answers with a fail payload. Capabilities: url attribute, start/stop/crash/fail, statechange.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const FFMPEG = process.env.FFMPEG_PATH || require('@ffmpeg-installer/ffmpeg').path;
const PUSH_SECONDS = '4';
const CAPABILITIES = { attributes: ['url'], methods: ['start', 'stop', 'crash', 'fail'], events: ['statechange'] };

let url;
let ffmpeg;
let publishing = false;
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const emit = (event, detail) => send({ event, detail, ts: Date.now() });

function startPush() {
  const args = ['-hide_banner', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', PUSH_SECONDS, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15',
    '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url];
  ffmpeg = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  emit('statechange', { code: 1001, message: 'connecting' });
  ffmpeg.stderr.setEncoding('utf8');
  ffmpeg.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (!publishing && /frame=\s*[1-9]/.test(chunk)) {
      publishing = true;
      emit('statechange', { code: 1002, message: 'publishing' });
    }
  });
  ffmpeg.on('exit', (code) => {
    ffmpeg = undefined;
    emit('statechange', { code: code === 0 ? 3005 : -1307, message: `ffmpeg exited ${code}` });
  });
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  const p = msg.params ?? {};
  switch (msg.method) {
    case 'hello':
      return send({ id: msg.id, result: { name: 'ffmpeg-toy', version: '0.0.1', platform: process.platform, capabilities: CAPABILITIES } });
    case 'create':
    case 'update':
      if (p.attrs?.url) url = p.attrs.url;
      return send({ id: msg.id, result: {} });
    case 'dispose':
      ffmpeg?.kill('SIGKILL');
      send({ id: msg.id, result: {} });
      return process.exit(0);
    case 'call':
      if (p.name === 'start') {
        if (p.args?.url) url = p.args.url;
        if (!url) return send({ id: msg.id, error: { errMsg: 'start:fail no url', errCode: -1 } });
        startPush();
        return send({ id: msg.id, result: { errMsg: 'start:ok' } });
      }
      if (p.name === 'stop') {
        ffmpeg?.kill('SIGINT');
        return send({ id: msg.id, result: { errMsg: 'stop:ok' } });
      }
      if (p.name === 'crash') {
        process.stderr.write('toy-driver: crashing on purpose\n');
        ffmpeg?.kill('SIGKILL');
        return process.exit(5);
      }
      return send({ id: msg.id, error: { errMsg: `${p.name}:fail not supported`, errCode: -2 } });
    default:
      return send({ id: msg.id, error: { errMsg: `unknown method ${msg.method}`, errCode: -32601 } });
  }
});
