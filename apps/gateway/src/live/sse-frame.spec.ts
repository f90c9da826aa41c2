import { sseFrame } from './live.controller';

describe('sseFrame', () => {
  it('writes one event with its data', () => {
    expect(sseFrame('hello', '{"a":1}')).toBe('event: hello\ndata: {"a":1}\n\n');
  });

  it('splits line breaks into data lines so a payload cannot end the frame or forge another', () => {
    const frame = sseFrame('x', '{"a":\n"b"}\r\n\r\nevent: forged\rdata: y');
    expect(frame).toBe('event: x\ndata: {"a":\ndata: "b"}\ndata: \ndata: event: forged\ndata: data: y\n\n');
    expect(frame.indexOf('\n\n')).toBe(frame.length - 2);
  });
});
