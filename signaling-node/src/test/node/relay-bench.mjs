// Relay micro-load for profiling the node's #rtcio:message path (not a test; see docs/performance.md).
//
//   node relay-bench.mjs URL[,URL...] [pairs=40] [window=8] [seconds=20] [payloadBytes=286]
//
// Each pair is two real socket.io-client 4.8 sockets in one room, on URL[i] and URL[i+1] (so with two
// URLs every pair crosses nodes). A keeps `window` relays in flight to B; B echoes each back to A.
// Prints one JSON line: relayed messages (both directions), messages/s, round-trip percentiles (ms),
// and this process's own CPU, so a saturated load generator is visible.
import { io } from 'socket.io-client';

const [urlList, pairsArg, windowArg, secondsArg, bytesArg] = process.argv.slice(2);
if (!urlList) {
  console.error('usage: node relay-bench.mjs URL[,URL...] [pairs] [window] [seconds] [payloadBytes]');
  process.exit(2);
}
const urls = urlList.split(',');
const pairs = Number(pairsArg ?? 40);
const window = Number(windowArg ?? 8);
const seconds = Number(secondsArg ?? 20);
const pad = 'x'.repeat(Number(bytesArg ?? 286));
const warmupMs = 3000;

function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function join(socket, roomId, name) {
  return new Promise((resolve) => {
    socket.once('join-ok', resolve);
    socket.emit('join-room', { roomId, name });
  });
}

const sockets = [];
const rtts = [];
let relayed = 0;
let measuring = false;
let running = true;

async function startPair(i) {
  const a = await connect(urls[i % urls.length]);
  const b = await connect(urls[(i + 1) % urls.length]);
  sockets.push(a, b);
  const room = `bench-${process.pid}-${i}`;
  await join(a, room, 'a');
  await join(b, room, 'b');
  b.on('#rtcio:message', (msg) => {
    if (measuring) relayed++;
    b.emit('#rtcio:message', { target: msg.source, data: msg.data });
  });
  let seq = 0;
  const send = () => a.emit('#rtcio:message', { target: b.id, data: { seq: seq++, t: process.hrtime.bigint().toString(), candidate: pad } });
  a.on('#rtcio:message', (msg) => {
    if (measuring) {
      relayed++;
      rtts.push(Number(process.hrtime.bigint() - BigInt(msg.data.t)) / 1e6);
    }
    if (running) send();
  });
  for (let k = 0; k < window; k++) send();
}

for (let i = 0; i < pairs; i++) {
  await startPair(i);
}
await new Promise((r) => setTimeout(r, warmupMs));
measuring = true;
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
running = false;
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
rtts.sort((x, y) => x - y);
const pct = (p) => (rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] : null);
console.log(JSON.stringify({
  pairs, window, seconds: Number(elapsed.toFixed(2)), relayed, perSecond: Math.round(relayed / elapsed),
  rttMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
  generatorCpuShare: Number(((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2)),
}));
sockets.forEach((s) => s.close());
process.exit(0);
