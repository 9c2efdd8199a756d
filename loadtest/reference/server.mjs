// Reference server for side-by-side load tests: socket.io 4.8 with the rtc.io relay and the room
// logic of the rtc.io quickstart, written the plain Node way (see docs/loadtest.md and
// loadtest/README.md). Not a product: no authentication, no rate limiting, no room passwords.
//
//   PORT=3000 [REDIS_URL=redis://127.0.0.1:6379] node loadtest/reference/server.mjs
//
// Without REDIS_URL it is one process with socket.io's in-memory adapter; with it, several processes
// share rooms through @socket.io/redis-adapter (pub/sub), as a clustered Node deployment would.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.BIND_ADDRESS ?? '127.0.0.1';
const REDIS_URL = process.env.REDIS_URL;
const MAX_PEERS = Number(process.env.MAX_PEERS ?? 8);
const MAX_ID = 128;

const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/health' ? 'ok' : 'not found');
});
const io = new Server(http, { cors: { origin: '*' } });

if (REDIS_URL) {
  const { Redis } = await import('ioredis');
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const pub = new Redis(REDIS_URL);
  const sub = pub.duplicate();
  io.adapter(createAdapter(pub, sub));
}

const isRoomId = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

function refuse(socket, code, event, roomId) {
  socket.emit('error', { code, message: code, roomId, event });
  if (event === 'join-room') socket.emit('join-error', { reason: code, roomId });
}

io.on('connection', (socket) => {
  // Per-room name and media state live in socket.data, so fetchSockets() sees them on every node.
  socket.data.names = {};
  socket.data.media = {};

  socket.on('join-room', async (p) => {
    const roomId = p?.roomId;
    if (!isRoomId(roomId)) return refuse(socket, 'invalid-room', 'join-room', roomId);
    if (p.name != null && (typeof p.name !== 'string' || p.name.length > MAX_ID)) {
      return refuse(socket, 'invalid-payload', 'join-room', roomId);
    }
    if (socket.rooms.has(roomId)) return socket.emit('join-ok', { roomId });
    // Snapshot of the members before joining (cluster-wide with the Redis adapter).
    const members = await io.in(roomId).fetchSockets();
    if (members.length >= MAX_PEERS) return refuse(socket, 'room-full', 'join-room', roomId);
    const name = p.name ?? '';
    socket.data.names[roomId] = name;
    socket.join(roomId);
    for (const m of members) socket.emit('user-connected', { id: m.id, name: m.data.names?.[roomId] ?? '' });
    for (const m of members) {
      const state = m.data.media?.[roomId];
      if (state) socket.emit('media-state', { id: m.id, roomId, mic: state.mic, cam: state.cam });
    }
    socket.emit('join-ok', { roomId });
    socket.to(roomId).emit('user-connected', { id: socket.id, name });
    socket.to(roomId).emit('#rtcio:init-offer', { source: socket.id });
  });

  socket.on('check-room', (p) => {
    if (!isRoomId(p?.roomId)) return refuse(socket, 'invalid-room', 'check-room', p?.roomId);
    socket.emit('room-check-ok', { roomId: p.roomId, passwordRequired: false });
  });

  socket.on('leave-room', (p) => {
    const roomId = p?.roomId;
    if (!isRoomId(roomId) || !socket.rooms.has(roomId)) return refuse(socket, 'not-in-room', 'leave-room', roomId);
    socket.leave(roomId);
    delete socket.data.names[roomId];
    delete socket.data.media[roomId];
    socket.to(roomId).emit('user-disconnected', { id: socket.id });
  });

  // Room broadcasts: only from a member, with the sender's id set by the server.
  const member = (p, event) => {
    if (isRoomId(p?.roomId) && socket.rooms.has(p.roomId)) return true;
    refuse(socket, 'not-in-room', event, p?.roomId);
    return false;
  };
  socket.on('media-state', (p) => {
    if (!member(p, 'media-state')) return;
    if (typeof p.mic === 'boolean' && typeof p.cam === 'boolean') socket.data.media[p.roomId] = { mic: p.mic, cam: p.cam };
    socket.to(p.roomId).emit('media-state', { ...p, id: socket.id });
  });
  socket.on('stopScreenShare', (p) => {
    if (member(p, 'stopScreenShare')) socket.to(p.roomId).emit('stopScreenShare', { ...p, id: socket.id });
  });
  socket.on('chat-message', (p) => {
    if (!member(p, 'chat-message')) return;
    if (p.text != null && (typeof p.text !== 'string' || p.text.length > 1000)) {
      return refuse(socket, 'invalid-payload', 'chat-message', p.roomId);
    }
    socket.to(p.roomId).emit('chat-message', { ...p, from: socket.id, at: Date.now() });
  });
  socket.on('ask-ice', (ack) => {
    if (typeof ack === 'function') ack({ iceServers: [] });
  });

  // The rtc.io relay: forward to the target socket (any node), source overwritten by the server.
  socket.on('#rtcio:message', (msg) => {
    if (msg && typeof msg.target === 'string') io.to(msg.target).emit('#rtcio:message', { ...msg, source: socket.id });
  });

  // Still in its rooms here: tell each room before socket.io removes the socket from them.
  socket.on('disconnecting', () => {
    for (const roomId of socket.rooms) {
      if (roomId === socket.id) continue;
      socket.to(roomId).emit('#rtcio:peer-left', { id: socket.id });
      socket.to(roomId).emit('user-disconnected', { id: socket.id });
    }
  });
});

http.listen(PORT, HOST, () => console.log(`reference server on ${HOST}:${PORT}${REDIS_URL ? ' with Redis adapter' : ''}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => io.close(() => process.exit(0)));
