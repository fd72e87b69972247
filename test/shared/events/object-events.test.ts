import { InvalidInputError } from '../../../shared/errors';
import { decodeEventKey, parseObjectEvents } from '../../../shared/events/object-events';
import { encodeEventKey } from '../../../tools/local-s3/s3-event-adapter';

function s3Notification(key: string, eventName = 'ObjectCreated:Put'): { Records: unknown[] } {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName,
        s3: { bucket: { name: 'bucket' }, object: { key, size: 10, eTag: 'abc' } },
      },
    ],
  };
}

describe('parseObjectEvents', () => {
  it('reads a direct S3 notification and decodes "+" and %XX in keys', () => {
    // Act
    const batch = parseObjectEvents(s3Notification('incoming/my+file+%281%29%C3%A9.wav'));

    // Assess
    expect(batch.kind).toBe('s3');
    expect(batch.items).toHaveLength(1);
    expect(batch.items[0]?.objects).toEqual([
      { bucket: 'bucket', key: 'incoming/my file (1)é.wav', size: 10, etag: 'abc' },
    ]);
  });

  it('reads S3 notifications inside SQS messages, one item per message with its receive count', () => {
    // Prepare
    const event = {
      Records: [
        {
          messageId: 'm1',
          eventSource: 'aws:sqs',
          body: JSON.stringify(s3Notification('incoming/a.wav')),
          attributes: { ApproximateReceiveCount: '3' },
        },
        { messageId: 'm2', eventSource: 'aws:sqs', body: JSON.stringify({ Event: 's3:TestEvent' }) },
      ],
    };

    // Act
    const batch = parseObjectEvents(event);

    // Assess
    expect(batch.kind).toBe('sqs');
    expect(batch.items.map((item) => [item.itemId, item.delivery, item.objects.map((o) => o.key)])).toEqual([
      ['m1', 3, ['incoming/a.wav']],
      ['m2', 1, []],
    ]);
  });

  it('keeps a malformed SQS message as an item with an error instead of failing the batch', () => {
    const event = {
      Records: [
        { messageId: 'bad', eventSource: 'aws:sqs', body: '{"hello":' },
        { messageId: 'good', eventSource: 'aws:sqs', body: JSON.stringify(s3Notification('incoming/b.wav')) },
      ],
    };

    const batch = parseObjectEvents(event);

    expect(batch.items[0]?.error).toBeInstanceOf(InvalidInputError);
    expect(batch.items[1]?.objects[0]?.key).toBe('incoming/b.wav');
  });

  it('reads an EventBridge "Object Created" event', () => {
    const event = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'bucket' }, object: { key: 'incoming/x+y.wav', size: 5, etag: 'e1' } },
    };

    const batch = parseObjectEvents(event);

    expect(batch.kind).toBe('eventbridge');
    expect(batch.items[0]?.objects).toEqual([
      { bucket: 'bucket', key: 'incoming/x y.wav', size: 5, etag: 'e1' },
    ]);
  });

  it('reads the rerun input with plain (not URL-encoded) keys', () => {
    const batch = parseObjectEvents({
      bucket: 'b',
      key: 'incoming/a+b c.wav',
      transcriptKey: 'incoming/x.txt',
      force: true,
    });

    expect(batch.kind).toBe('rerun');
    expect(batch.items[0]).toMatchObject({ force: true, backend: undefined });
    expect(batch.items[0]?.objects).toEqual([
      {
        bucket: 'b',
        key: 'incoming/a+b c.wav',
        size: undefined,
        etag: undefined,
        transcriptKey: 'incoming/x.txt',
      },
    ]);
  });

  it('refuses a rerun input with a mistyped field', () => {
    expect(() => parseObjectEvents({ bucket: 'b', key: 'incoming/a.wav', forced: true })).toThrow(
      /or a rerun/,
    );
  });

  it('ignores records that are not object creations', () => {
    const batch = parseObjectEvents(s3Notification('incoming/a.wav', 'ObjectRemoved:Delete'));

    expect(batch.items[0]?.objects).toEqual([]);
  });

  it('marks a key that is not valid URL encoding instead of throwing', () => {
    const batch = parseObjectEvents(s3Notification('incoming/%E0%A4%A.wav'));

    expect(batch.items[0]?.objects[0]?.keyError).toContain('not valid URL encoding');
  });

  it.each([
    [{}],
    [{ Records: 'x' }],
    [null],
    [{ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} }],
  ])('refuses an unrecognised event %j with the expected shapes', (event) => {
    expect(() => parseObjectEvents(event)).toThrow(/expected an S3 event notification/);
  });

  it('round-trips keys through the local server adapter encoding', () => {
    const keys = ['incoming/a b/c+d.wav', 'incoming/ünï cödé/日本.wav', 'incoming/50% (final)&x=1.wav'];

    for (const key of keys) expect(decodeEventKey(encodeEventKey(key))).toBe(key);
    expect(encodeEventKey('incoming/a b+c.wav')).toBe('incoming/a+b%2Bc.wav');
  });
});
