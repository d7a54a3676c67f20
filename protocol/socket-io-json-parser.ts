import { Emitter } from '@socket.io/component-emitter';

/**
 * A JSON-only drop-in for `socket.io-parser`, swapped in by the widget's build
 * (rollup.config.mjs) and given to the server's Socket.IO (`parser` option): nobody
 * sends or receives binary over our sockets (images go over HTTP), so the binary
 * (de)construction code is dead weight in the widget, and on the server the encoder
 * skips the walk over every outgoing payload looking for binary.
 * Same wire format as socket.io protocol 5 for text packets:
 * `<type>[<nsp>,][<ack id>][<json>]`. A binary packet from the other side is a parse
 * error, which closes the connection like any malformed packet (then reconnects).
 */
export const protocol = 5;

export enum PacketType {
  CONNECT = 0,
  DISCONNECT = 1,
  EVENT = 2,
  ACK = 3,
  CONNECT_ERROR = 4,
  BINARY_EVENT = 5,
  BINARY_ACK = 6,
}

export interface Packet {
  type: PacketType;
  nsp: string;
  data?: unknown;
  id?: number;
}

export class Encoder {
  encode(packet: Packet): string[] {
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') out += packet.nsp + ',';
    if (packet.id != null) out += packet.id;
    if (packet.data != null) out += JSON.stringify(packet.data);
    return [out];
  }
}

const isPlainObject = (x: unknown): boolean => Object.prototype.toString.call(x) === '[object Object]';
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

/** Same payload rules as socket.io-parser's Decoder.isPayloadValid. */
function validPayload(type: PacketType, data: unknown): boolean {
  if (type === PacketType.CONNECT) return isPlainObject(data);
  if (type === PacketType.DISCONNECT) return data === undefined;
  if (type === PacketType.CONNECT_ERROR) return typeof data === 'string' || isPlainObject(data);
  if (type === PacketType.ACK) return Array.isArray(data);
  return Array.isArray(data) && (typeof data[0] === 'number' || (typeof data[0] === 'string' && !RESERVED.includes(data[0])));
}

const PACKET = /^([0-4])(\/[^,]*,|)(\d*)([\s\S]*)$/;

export class Decoder extends Emitter<Record<string, never>, Record<string, never>, { decoded: (packet: Packet) => void }> {
  add(chunk: unknown): void {
    const match = typeof chunk === 'string' ? PACKET.exec(chunk) : null;
    if (!match) throw new Error('Unsupported packet');
    const [, type, nsp, id, json] = match as unknown as [string, string, string, string, string];
    const packet: Packet = { type: Number(type), nsp: nsp ? nsp.slice(0, -1) : '/' };
    if (id) packet.id = Number(id);
    if (json) {
      let data: unknown;
      try {
        data = JSON.parse(json);
      } catch {
        throw new Error('invalid payload');
      }
      // Like socket.io-parser, only a payload that is there is checked (a CONNECT may carry none).
      if (!validPayload(packet.type, data)) throw new Error('invalid payload');
      packet.data = data;
    }
    this.emitReserved('decoded', packet);
  }

  destroy(): void {}
}
