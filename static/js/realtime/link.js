// The page's one connection, shared by the realtime modules: the socket (set by connect() in
// realtime.js) and the connection state.

export const link = { socket: null, state: "connecting" };
