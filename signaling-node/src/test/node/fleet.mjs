// Fleet driver: many npm socket.io-client instances that stay in a room, relay to their room-mate
// and, if asked, reconnect by themselves, for the lifecycle and load-balancer tests.
//
// Protocol: one JSON object per line.
//   stdin:  {"cmd":"connect","client":"c1","urls":["http://127.0.0.1:1"],"opts":{...},"room":"r","relayEveryMs":100}
//             urls: the first is connected to; each reconnection attempt moves on to the next one
//             (as a load balancer would send it to a node still in service).
//             opts: socket.io-client options (transports, reconnection, ...); on every connect the
//             client joins `room` (not after a recovered one: it is still in its rooms), and relays
//             {seq} to the last member introduced to it every relayEveryMs. Received relays are
//             checked per sender: `lost` counts sequence numbers skipped (and not seen later),
//             `reordered` those seen after a later one, `duplicated` those seen twice;
//             `gaps` says, for each skipped one, when and on which transport its sender sent it
//             ([ms, transport, ws readyState, engine readyState]) and the disconnects of sender and
//             receiver since 2 s before (which side of a drop lost it), and `lateAt` once it came.
//           {"cmd":"join","client":"c1","room":"r"}                  join (now, and after every later connect)
//           {"cmd":"urls","urls":[...]}                               every client's reconnection attempts move on
//                                                                       over these urls from now on (nodes replaced)
//           {"cmd":"probe","client":"p1","url":"...","opts":{...}}   one fresh connect, then a clean disconnect
//           {"cmd":"quiet"}                                           every client stops relaying
//           {"cmd":"report"}                                          the state of every client
//           {"cmd":"close"}                                           disconnect everyone
//   stdout: {"type":"ready"}
//           {"type":"joined","client","id","transport","url"}     after every join-ok
//           {"type":"probe","client","ok":true|false,"error","transport"}
//           {"type":"report","clients":[...]}                      see summary()
// Nothing else is written to stdout; diagnostics go to stderr. Ends when stdin closes.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

const started = Date.now();
const now = () => Date.now() - started;
const clients = new Map();
let sharedUrls = null;

function report(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function describe(err) {
  // socket.io-client wraps transport errors; the cause (e.g. ECONNREFUSED) is in description.
  const parts = [err?.message ?? String(err)];
  const cause = err?.description;
  if (cause) parts.push(cause?.message ?? cause?.code ?? String(cause));
  if (cause?.error) parts.push(cause.error?.code ?? cause.error?.message ?? String(cause.error));
  if (err?.context?.code) parts.push(String(err.context.code));
  return parts.join(" / ");
}

function connect({ client, urls, opts = {}, room, relayEveryMs = 0 }) {
  let attempt = 0;
  const state = {
    client, room, connects: [], disconnects: [], connectErrors: [], upgrades: [],
    sent: 0, received: 0, receivedSinceConnect: 0, departed: [], introduced: [], peer: null,
    lost: 0, duplicated: 0, reordered: 0, lastSeq: {}, sentLog: [], gaps: [],
  };
  const socket = io(urls[0], { forceNew: true, timeout: 5000, ...opts });
  state.socket = socket;
  clients.set(client, state);
  socket.io.on("reconnect_attempt", () => {
    attempt++;
    const list = sharedUrls ?? urls;
    socket.io.uri = list[attempt % list.length];
  });
  socket.io.on("open", () => {
    socket.io.engine.on("upgrade", (transport) => state.upgrades.push(transport.name));
  });
  socket.on("connect", () => {
    const recovered = socket.recovered === true;
    state.connects.push({ id: socket.id, url: socket.io.uri, transport: socket.io.engine.transport.name, at: now(), recovered });
    state.receivedSinceConnect = 0;
    if (recovered) return;
    state.peer = null;
    if (state.room) socket.emit("join-room", { roomId: state.room, name: client });
  });
  socket.on("join-ok", () => {
    report({ type: "joined", client, id: socket.id, transport: socket.io.engine.transport.name, url: socket.io.uri });
  });
  socket.on("user-connected", (peer) => {
    state.peer = peer.id;
    state.introduced.push(peer.id);
  });
  socket.on("user-disconnected", (peer) => {
    state.departed.push(peer.id);
    if (state.peer === peer.id) state.peer = null;
  });
  socket.on("#rtcio:message", (msg) => {
    state.received++;
    state.receivedSinceConnect++;
    const seq = msg?.data?.seq;
    const source = msg?.source;
    if (typeof seq !== "number" || typeof source !== "string") return;
    const last = state.lastSeq[source];
    if (last === undefined) {
      // The first relay seen from this sender: it may have sent to an earlier room-mate before.
    } else if (seq <= last) {
      const gap = state.gaps.find((g) => g.source === source && g.seq === seq && g.lateAt === undefined);
      if (gap) {
        // Overtaken by a later relay (one more hop), not lost.
        gap.lateAt = now();
        state.lost--;
        state.reordered++;
      } else {
        state.duplicated++;
      }
      return;
    } else {
      state.lost += seq - last - 1;
      const sender = [...clients.values()].find((c) => c.socket.id === source);
      for (let s = last + 1; s < seq; s++) {
        const info = sender?.sentLog[s];
        const near = (d) => info && d.at >= info[0] - 2000;
        state.gaps.push({ from: sender?.client, source, seq: s, sent: info, noticedAt: now(),
          senderDisconnects: sender?.disconnects.filter(near), receiverDisconnects: state.disconnects.filter(near) });
      }
    }
    state.lastSeq[source] = seq;
  });
  socket.on("disconnect", (reason) => state.disconnects.push({ reason, at: now(), transport: socket.io.engine?.transport?.name ?? null }));
  socket.on("connect_error", (err) => state.connectErrors.push({ error: describe(err), at: now() }));
  if (relayEveryMs > 0) {
    state.timer = setInterval(() => {
      if (socket.connected && state.peer) {
        const t = socket.io.engine?.transport;
        state.sentLog[state.sent] = [now(), t?.name, t?.ws?.readyState, socket.io.engine?.readyState];
        socket.emit("#rtcio:message", { target: state.peer, data: { seq: state.sent++ } });
      }
    }, relayEveryMs);
  }
}

function join({ client, room }) {
  const state = clients.get(client);
  state.room = room;
  if (state.socket.connected) state.socket.emit("join-room", { roomId: room, name: client });
}

function probe({ client, url, opts = {} }) {
  const socket = io(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  const done = (ok, error) => {
    report({ type: "probe", client, ok, error: error ?? null, transport: socket.io.engine?.transport?.name ?? null, at: now() });
    socket.disconnect();
  };
  socket.on("connect", () => done(true));
  socket.on("connect_error", (err) => done(false, describe(err)));
}

function summary() {
  return [...clients.values()].map(({ socket, timer, sentLog, ...state }) => ({
    ...state, connected: socket.connected, transport: socket.io.engine?.transport?.name ?? null,
  }));
}

function closeAll() {
  for (const state of clients.values()) {
    clearInterval(state.timer);
    state.socket.disconnect();
  }
}

createInterface({ input: process.stdin, crlfDelay: Infinity })
  .on("line", (line) => {
    if (line.trim() === "") return;
    let cmd;
    try {
      cmd = JSON.parse(line);
      switch (cmd.cmd) {
        case "connect": connect(cmd); break;
        case "join": join(cmd); break;
        case "urls": sharedUrls = cmd.urls; break;
        case "quiet": for (const state of clients.values()) clearInterval(state.timer); break;
        case "probe": probe(cmd); break;
        case "report": report({ type: "report", at: now(), clients: summary() }); break;
        case "close": closeAll(); break;
        default: console.error(`[fleet] unknown command ${cmd.cmd}`);
      }
    } catch (e) {
      console.error(`[fleet] ${line}: ${e?.stack ?? e}`);
    }
  })
  .on("close", () => {
    closeAll();
    setTimeout(() => process.exit(0), 200);
  });

report({ type: "ready" });
