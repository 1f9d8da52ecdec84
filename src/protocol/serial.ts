// A certificate serial on the wire: lowercase hex, at most 20 octets (RFC 5280 §4.1.2.2). Its own
// module so that every protocol module can name serials without importing another's.
export const SERIAL_HEX = /^[0-9a-f]{1,40}$/;
