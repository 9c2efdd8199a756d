// Test driver: hosts many socket.io-client instances in one Node process.
//
// Protocol: one JSON object per line.
//   stdin  (commands): {"cmd":"connect","client":"c1","url":"http://127.0.0.1:1234","opts":{...}}
//                      {"cmd":"emit","client":"c1","event":"x","args":[...],"ackId":"a1"}   (ackId optional)
//                      {"cmd":"disconnect","client":"c1"}   clean socket.io disconnect (sends DISCONNECT)
//                      {"cmd":"kill","client":"c1"}         engine.close(): transport closed, no DISCONNECT packet
//                      {"cmd":"release","client":"c1"}      disconnect if needed and forget the client
//                      {"cmd":"drop","client":"c1"}         the TCP connection is destroyed, no close frame and no
//                                                           packet: what a network failure looks like (websocket only)
//                      {"cmd":"retarget","client":"c1","url":"http://..."}  the next reconnection goes to url
//   stdout (reports):  {"type":"ready"}
//                      {"type":"connect","client","id","transport","recovered"}
//                      {"type":"connect_error","client","message","data"}
//                      {"type":"disconnect","client","reason"}
//                      {"type":"upgrade","client","transport"}
//                      {"type":"event","client","event","args","ackRequested"}
//                      {"type":"ack","client","ackId","args"}
//                      {"type":"error","client","message"}  a command the driver could not carry out
// Nothing else is written to stdout; diagnostics go to stderr.
// The process ends by itself when stdin closes.

import { io } from 'socket.io-client';
import { createInterface } from 'node:readline';

// Keep stdout clean for the protocol, whatever a library might log.
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

const clients = new Map();

function report(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function fail(client, message) {
  console.error(`[driver] ${client ?? '-'}: ${message}`);
  report({ type: 'error', client: client ?? null, message });
}

// Arguments of an incoming event may end with an ack function; functions are not JSON.
function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === 'function') {
    return { args: args.slice(0, -1), ackRequested: true };
  }
  return { args, ackRequested: false };
}

function watchEngine(client, socket) {
  const engine = socket.io.engine;
  if (!engine || engine.__rtcioWatched) return;
  engine.__rtcioWatched = true;
  engine.on('upgrade', (transport) => report({ type: 'upgrade', client, transport: transport.name }));
}

function connect(client, url, opts = {}) {
  if (clients.has(client)) {
    fail(client, 'client id already in use');
    return;
  }
  const options = {
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    ...opts,
  };
  if (options.extraHeaders && Object.keys(options.extraHeaders).length === 0) {
    delete options.extraHeaders;
  }
  const socket = io(url, options);
  clients.set(client, socket);

  // The engine exists as soon as the Manager opens; a reconnect creates a new one.
  watchEngine(client, socket);
  socket.io.on('open', () => watchEngine(client, socket));

  socket.on('connect', () => {
    watchEngine(client, socket);
    report({ type: 'connect', client, id: socket.id, transport: socket.io.engine?.transport?.name ?? null,
      recovered: socket.recovered === true });
  });
  socket.on('connect_error', (err) => {
    report({ type: 'connect_error', client, message: err?.message ?? String(err), data: err?.data ?? null });
  });
  socket.on('disconnect', (reason) => {
    report({ type: 'disconnect', client, reason });
  });
  socket.onAny((event, ...rest) => {
    const { args, ackRequested } = splitAck(rest);
    report({ type: 'event', client, event, args, ackRequested });
  });
}

function withSocket(cmd, fn) {
  const socket = clients.get(cmd.client);
  if (!socket) {
    fail(cmd.client, `unknown client for ${cmd.cmd}`);
    return;
  }
  fn(socket);
}

function handle(cmd) {
  switch (cmd.cmd) {
    case 'connect':
      connect(cmd.client, cmd.url, cmd.opts);
      break;
    case 'emit':
      withSocket(cmd, (socket) => {
        const args = Array.isArray(cmd.args) ? cmd.args : [];
        if (cmd.ackId !== undefined && cmd.ackId !== null) {
          socket.emit(cmd.event, ...args, (...ackArgs) => {
            report({ type: 'ack', client: cmd.client, ackId: cmd.ackId, args: ackArgs });
          });
        } else {
          socket.emit(cmd.event, ...args);
        }
      });
      break;
    case 'disconnect':
      withSocket(cmd, (socket) => socket.disconnect());
      break;
    case 'kill':
      // Closes the Engine.IO connection without a socket.io DISCONNECT packet:
      // over websocket a close frame, over polling an Engine.IO "close" packet.
      withSocket(cmd, (socket) => socket.io.engine?.close());
      break;
    case 'drop':
      withSocket(cmd, (socket) => {
        const transport = socket.io.engine?.transport;
        const raw = transport?.name === 'websocket' ? transport.ws?._socket : null;
        if (!raw) {
          fail(cmd.client, 'drop needs a websocket transport');
          return;
        }
        raw.destroy();
      });
      break;
    case 'retarget':
      withSocket(cmd, (socket) => {
        socket.io.uri = cmd.url;
      });
      break;
    case 'release':
      withSocket(cmd, (socket) => {
        socket.disconnect();
        clients.delete(cmd.client);
      });
      break;
    default:
      fail(cmd.client, `unknown command ${JSON.stringify(cmd.cmd)}`);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    fail(null, `bad JSON on stdin: ${e.message}`);
    return;
  }
  try {
    handle(cmd);
  } catch (e) {
    fail(cmd?.client, `${cmd?.cmd} failed: ${e?.stack ?? e}`);
  }
});

lines.on('close', () => {
  for (const socket of clients.values()) {
    try {
      socket.disconnect();
    } catch (e) {
      console.error(`[driver] disconnect on shutdown failed: ${e}`);
    }
  }
  clients.clear();
  // Give the DISCONNECT packets a moment to leave, then stop no matter what is still open.
  setTimeout(() => process.exit(0), 300);
});

process.stdout.on('error', () => process.exit(0));

report({ type: 'ready' });
