/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import * as real from 'socket.io-parser';
import { Decoder, Encoder, PacketType, type Packet } from '../../protocol/socket-io-json-parser.ts';

/** The JSON-only parser (the widget's and the server's) must speak exactly socket.io-parser's text format. */
const packets: Packet[] = [
  { type: PacketType.CONNECT, nsp: '/visitor', data: { websiteKey: 'demo', token: 't' } },
  // The desktop connects with its cookie and no auth payload.
  { type: PacketType.CONNECT, nsp: '/agent' },
  { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } },
  { type: PacketType.DISCONNECT, nsp: '/visitor' },
  { type: PacketType.EVENT, nsp: '/visitor', data: ['message', { text: 'hé, "quotes", 123', seq: 4 }] },
  { type: PacketType.EVENT, nsp: '/visitor', id: 17, data: ['message:send', { clientId: 'c', text: '42' }] },
  { type: PacketType.ACK, nsp: '/visitor', id: 17, data: [{ ok: true, data: { n: 1 } }] },
  { type: PacketType.CONNECT_ERROR, nsp: '/visitor', data: { message: 'nope', data: { code: 'ORIGIN_NOT_ALLOWED' } } },
];
const decodeWith = (decoder: { add(x: unknown): void; on(e: string, fn: (p: unknown) => void): unknown }, text: string): unknown => {
  let out: unknown;
  decoder.on('decoded', (p) => (out = p));
  decoder.add(text);
  return out;
};

describe('socket.io JSON-only parser', () => {
  it('encodes like socket.io-parser and decodes what it encodes, for every packet type the widget and the server see', () => {
    for (const packet of packets) {
      const [ours] = new Encoder().encode(packet);
      expect(ours).to.equal(new real.Encoder().encode(packet as real.Packet)[0]);
      expect(decodeWith(new Decoder(), ours!)).to.deep.equal(decodeWith(new real.Decoder(), ours!));
    }
  });

  it('refuses binary and malformed packets (the connection then closes as with any parse error)', () => {
    for (const bad of ['51-/visitor,["x",{"_placeholder":true,"num":0}]', '2/visitor,["connect"]', '2/visitor,{not json', '9', '']) {
      expect(() => new Decoder().add(bad), bad).to.throw();
    }
  });
});
