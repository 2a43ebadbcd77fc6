import { Redactor } from './redaction';

const SECRET = 'Tr3llis/s3cret+key=';

function redactorOf(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  redactor.add(secrets);
  return redactor;
}

describe('Redactor', () => {
  it('replaces every occurrence of a known secret and leaves other text as it is', () => {
    const redactor = redactorOf(SECRET);
    expect(redactor.redactString(`a ${SECRET} b ${SECRET}`)).toBe('a [REDACTED] b [REDACTED]');
    expect(redactor.redactString('nothing to hide here')).toBe('nothing to hide here');
  });

  it('finds a secret with any of its characters percent-encoded, in either hex case', () => {
    const redactor = redactorOf(SECRET);
    const encoded = encodeURIComponent(SECRET);
    const lowerHex = encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    const everyCharacter = [...SECRET].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    for (const form of [encoded, lowerHex, everyCharacter]) {
      expect(redactor.redactString(`/api/x/${form}?page=2`)).toBe('/api/x/[REDACTED]?page=2');
    }
  });

  it('reads + as a space in a secret that has one, and keeps a literal + where it is one', () => {
    const redactor = redactorOf('correct horse battery', SECRET);
    expect(redactor.redactString('q=correct+horse%20battery&b=1')).toBe('q=[REDACTED]&b=1');
    expect(redactor.redactString(`x ${SECRET} y+z`)).toBe('x [REDACTED] y+z');
  });

  it('finds a secret of non-ASCII characters percent-encoded as UTF-8', () => {
    const redactor = redactorOf('pässwörd-€uro');
    expect(redactor.redactString(`p=${encodeURIComponent('pässwörd-€uro')}!`)).toBe('p=[REDACTED]!');
  });

  it('finds a secret that holds a percent sign as it is and encoded', () => {
    const redactor = redactorOf('100%41real');
    expect(redactor.redactString('v=100%41real;')).toBe('v=[REDACTED];');
    expect(redactor.redactString('v=100%2541real;')).toBe('v=[REDACTED];');
  });

  it('leaves malformed and partial escapes alone', () => {
    const redactor = redactorOf(SECRET);
    for (const text of ['100%', '%zz%4', '%C3', '%C3%28', '%E2%82', '%ED%A0%80', `${'%'.repeat(1000)}x`]) {
      expect(redactor.redactString(text)).toBe(text);
    }
  });

  it('finds base64 and base64url encodings of a secret at any byte offset', () => {
    const redactor = redactorOf(SECRET);
    for (const prefix of ['', 'u:', 'us:', 'use:']) {
      const base64 = Buffer.from(`${prefix}${SECRET}`).toString('base64');
      const base64url = Buffer.from(`${prefix}${SECRET}`).toString('base64url');
      for (const text of [`Basic ${base64}`, `s=${base64url}`, `h=${encodeURIComponent(base64)}`]) {
        expect(redactor.redactString(text)).toContain('[REDACTED]');
        expect(redactor.redactString(text)).not.toContain(base64.slice(8, 20));
      }
    }
  });

  it('merges overlapping matches and keeps adjacent ones apart', () => {
    const redactor = redactorOf('abcdef', 'defghi');
    expect(redactor.redactString('<abcdefghi>')).toBe('<[REDACTED]>');
    expect(redactor.redactString('<abcdefdefghi>')).toBe('<[REDACTED][REDACTED]>');
  });

  it('forgets nothing it was given before and counts its versions', () => {
    const redactor = redactorOf('first-secret');
    const version = redactor.version;
    redactor.add(['second-secret', 'abc']);
    expect(redactor.version).toBeGreaterThan(version);
    // Shorter than four characters: too common to hide.
    expect(redactor.redactString('first-secret second-secret abc')).toBe('[REDACTED] [REDACTED] abc');
  });

  it('hides bearer credentials and JWT-shaped runs without any known secret', () => {
    const redactor = new Redactor();
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactor.redactString('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
    expect(redactor.redactString(`token=${jwt}`)).toBe('token=[REDACTED]');
  });

  it('redacts a long hostile string of escapes and secrets in one pass', () => {
    const redactor = redactorOf(SECRET);
    const chunk = `${encodeURIComponent(SECRET)}%%41+`;
    const text = chunk.repeat(20_000);
    const redacted = redactor.redactString(text);
    expect(redacted).toBe('[REDACTED]%%41+'.repeat(20_000));
  });
});
