import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectMatchesSpec } from './spec.ts';
import { connect, startFake, type Harness } from './testing.ts';

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startFake();
  token = (await connect(h)).access_token;
});
afterEach(() => h.close());

const BYTES = Buffer.from('GIF89a-not-really-but-bytes-all-the-same');

describe('media upload', () => {
  it('initializes, appends JSON base64 segments, finalizes, reports STATUS, and keeps the bytes', async () => {
    const init = await h.call('POST', '/2/media/upload/initialize', { token, json: { media_type: 'image/jpeg', total_bytes: BYTES.length, media_category: 'tweet_image' } });
    expect(init.status).toBe(200);
    expectMatchesSpec('POST', '/2/media/upload/initialize', 200, init.json);
    const id = init.json.data.id;
    expect(init.json.data.media_key).toBe(`3_${id}`);
    const half = Math.floor(BYTES.length / 2);
    for (const [i, part] of [BYTES.subarray(0, half), BYTES.subarray(half)].entries()) {
      const append = await h.call('POST', `/2/media/upload/${id}/append`, { token, json: { media: part.toString('base64'), segment_index: i } });
      expect(append.status).toBe(200);
      expectMatchesSpec('POST', '/2/media/upload/{id}/append', 200, append.json);
    }
    const fin = await h.call('POST', `/2/media/upload/${id}/finalize`, { token });
    expect(fin.status).toBe(200);
    expectMatchesSpec('POST', '/2/media/upload/{id}/finalize', 200, fin.json);
    expect(fin.json.data).toMatchObject({ id, size: BYTES.length });
    const status = await h.call('GET', `/2/media/upload?command=STATUS&media_id=${id}`, { token });
    expectMatchesSpec('GET', '/2/media/upload', 200, status.json);
    expect(status.json.data.processing_info.state).toBe('succeeded');
    expect(h.control.media(id)).toMatchObject({ media_type: 'image/jpeg', media_category: 'tweet_image', state: 'finalized', bytes: BYTES });
  });

  it('accepts multipart segments', async () => {
    const init = await h.call('POST', '/2/media/upload/initialize', { token, json: { media_type: 'image/png', total_bytes: BYTES.length, media_category: 'dm_image' } });
    const form = new FormData();
    form.set('segment_index', '0');
    form.set('media', new Blob([BYTES]), 'blob');
    const append = await h.call('POST', `/2/media/upload/${init.json.data.id}/append`, { token, body: form });
    expect(append.status).toBe(200);
    const fin = await h.call('POST', `/2/media/upload/${init.json.data.id}/finalize`, { token });
    expect(fin.status).toBe(200);
    expect(h.control.media(init.json.data.id)!.bytes).toEqual(BYTES);
  });

  it('refuses a finalize whose bytes do not add up to total_bytes', async () => {
    const init = await h.call('POST', '/2/media/upload/initialize', { token, json: { media_type: 'image/png', total_bytes: 999, media_category: 'dm_image' } });
    await h.call('POST', `/2/media/upload/${init.json.data.id}/append`, { token, json: { media: BYTES.toString('base64'), segment_index: 0 } });
    const fin = await h.call('POST', `/2/media/upload/${init.json.data.id}/finalize`, { token });
    expect(fin.status).toBe(400);
    expectMatchesSpec('POST', '/2/media/upload/{id}/finalize', 400, fin.json);
  });

  it('answers 403 without the media.write scope', async () => {
    const narrow = (await connect(h, 'tweet.read users.read dm.read dm.write')).access_token;
    const res = await h.call('POST', '/2/media/upload/initialize', { token: narrow, json: { media_type: 'image/png', total_bytes: 10, media_category: 'dm_image' } });
    expect(res.status).toBe(403);
    expectMatchesSpec('POST', '/2/media/upload/initialize', 403, res.json);
  });
});
