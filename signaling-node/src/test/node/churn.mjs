// Churn load with a membership checker, for the cluster correctness tests.
//
// Usage: node churn.mjs '<json options>'   (see DEFAULTS). Extra node URLs may be added while it
// runs by writing "url <http://host:port>" lines to its standard input.
//
// Sessions (npm socket.io-client over WebSocket) arrive at a steady rate, each joins a random
// room on the next URL, stays for a random dwell, then leaves: a clean disconnect, an abrupt
// transport close, or leave-room followed by a disconnect. Every membership event each session
// receives is recorded with the generator's clock. Lines on standard output:
//   phase <name>        when the schedule reaches options.phases[name] (ms after the start)
//   result <json>       at the end: counts and violations (see check())
// Everything is on loopback; the run is bounded by durationMs plus the longest dwell.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const DEFAULTS = {
  urls: [],
  rooms: 25,
  durationMs: 30000,
  sessionsPerSecond: 15,
  dwellMs: [1000, 4000],
  longStayShare: 0.25,
  longDwellMs: [8000, 16000],
  joinTimeoutMs: 5000,
  introGraceMs: 4000,
  departureGraceMs: 9000,
  leftMarginMs: 500,
  phases: {},
  seed: 7,
};

const options = { ...DEFAULTS, ...JSON.parse(process.argv[2] || "{}") };
const urls = [...options.urls];
const started = Date.now();
const now = () => Date.now() - started;

// A small deterministic generator (mulberry32), so a run can be repeated.
let state = options.seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = ([low, high]) => low + Math.floor(random() * (high - low));

createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, value] = line.trim().split(/\s+/);
  if (command === "url" && value) urls.push(value);
});

for (const [name, at] of Object.entries(options.phases)) {
  setTimeout(() => console.log(`phase ${name}`), at);
}

const sessions = [];
let next = 0;

function startSession(index) {
  const url = urls[next++ % urls.length];
  const room = `room-${Math.floor(random() * options.rooms)}`;
  const long = random() < options.longStayShare;
  const dwell = between(long ? options.longDwellMs : options.dwellMs);
  const exit = ["disconnect", "close", "leave"][Math.floor(random() * 3)];
  const session = {
    index, url, room, id: null, joinAskedAt: null, joinedAt: null, leftAt: null,
    failed: null, events: [],
  };
  sessions.push(session);
  return new Promise((resolve) => {
    const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 4000 });
    const finish = (why) => {
      if (session.leftAt === null) session.leftAt = now();
      if (why && !session.failed && session.joinedAt === null) session.failed = why;
      socket.disconnect();
      setTimeout(resolve, 200);
    };
    const record = (event) => (payload) => {
      session.events.push({ event, id: payload?.id ?? payload?.source ?? null, at: now() });
    };
    for (const event of ["user-connected", "user-disconnected", "#rtcio:peer-left", "#rtcio:init-offer"]) {
      socket.on(event, record(event));
    }
    socket.on("connect_error", () => finish("connect_error"));
    socket.on("join-error", (payload) => finish(`join-error ${payload?.reason}`));
    socket.on("connect", () => {
      session.id = socket.id;
      session.joinAskedAt = now();
      socket.emit("join-room", { roomId: room, name: `n${index}` });
      setTimeout(() => { if (session.joinedAt === null) finish("join timeout"); }, options.joinTimeoutMs);
    });
    socket.on("join-ok", () => {
      session.joinedAt = now();
      setTimeout(() => {
        session.leftAt = now();
        if (exit === "close") {
          socket.io.engine.close();
          setTimeout(resolve, 200);
        } else if (exit === "leave") {
          socket.emit("leave-room", { roomId: room });
          setTimeout(() => finish(null), 100);
        } else {
          finish(null);
        }
      }, dwell);
    });
  });
}

// Membership rules, checked per pair of sessions that both joined the same room.
function check() {
  const joined = sessions.filter((s) => s.joinedAt !== null && s.id);
  const byId = new Map(joined.map((s) => [s.id, s]));
  const everyId = new Set(sessions.map((s) => s.id).filter(Boolean));
  const v = {
    missingDepartures: 0, duplicateDepartures: 0, missingIntroductions: 0, duplicateIntroductions: 0,
    introducedAfterLeft: 0, departuresWithoutIntroduction: 0, phantoms: 0,
  };
  const examples = [];
  const note = (kind, s, p, extra = {}) => {
    v[kind]++;
    if (examples.length < 20) examples.push({ kind, to: s.id, peer: p?.id ?? extra.peer, room: s.room, ...extra,
      toJoined: s.joinedAt, toLeft: s.leftAt, peerJoined: p?.joinedAt, peerLeft: p?.leftAt });
  };
  for (const s of joined) {
    const count = (event, id) => s.events.filter((e) => e.event === event && e.id === id).length;
    for (const e of s.events) {
      if (e.event === "user-connected" && !byId.has(e.id)) note("phantoms", s, null, { peer: e.id, known: everyId.has(e.id) });
    }
    for (const p of joined) {
      if (p === s || p.room !== s.room) continue;
      const intros = count("user-connected", p.id);
      const departures = count("user-disconnected", p.id);
      const peerLefts = count("#rtcio:peer-left", p.id);
      const overlap = Math.min(s.leftAt, p.leftAt) - Math.max(s.joinedAt, p.joinedAt);
      if (intros > 1) note("duplicateIntroductions", s, p, { intros });
      if (departures > 1 || peerLefts > 1) note("duplicateDepartures", s, p, { departures, peerLefts });
      if (intros === 0 && overlap >= options.introGraceMs) note("missingIntroductions", s, p, { overlap });
      if (intros >= 1 && departures === 0 && s.leftAt >= p.leftAt + options.departureGraceMs) {
        note("missingDepartures", s, p);
      }
      if (intros >= 1 && s.joinAskedAt > p.leftAt + options.leftMarginMs) note("introducedAfterLeft", s, p);
      if (intros === 0 && departures > 0) note("departuresWithoutIntroduction", s, p);
    }
  }
  return {
    sessions: sessions.length,
    joined: joined.length,
    failed: sessions.filter((s) => s.failed).length,
    failures: Object.entries(sessions.reduce((all, s) => {
      if (s.failed) all[s.failed] = (all[s.failed] || 0) + 1;
      return all;
    }, {})),
    introductions: joined.reduce((n, s) => n + s.events.filter((e) => e.event === "user-connected").length, 0),
    violations: v,
    total: Object.values(v).reduce((a, b) => a + b, 0),
    examples,
  };
}

const running = [];
const interval = 1000 / options.sessionsPerSecond;
for (let i = 0; now() < options.durationMs; i++) {
  const due = i * interval;
  if (due > now()) await new Promise((r) => setTimeout(r, due - now()));
  running.push(startSession(i));
}
await Promise.all(running);
console.log(`result ${JSON.stringify(check())}`);
process.exit(0);
