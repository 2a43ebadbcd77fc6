import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A stand-in identity provider on 127.0.0.1: serves its JWKS over HTTP and mints RS256 tokens,
 * with the `backend.auth.externalAccess` entry that trusts it.
 */
export async function startUserTokenIssuer(options: { principal?: 'user' | 'service'; issuer?: string } = {}) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  let jwksRequests = 0;
  const server = http.createServer((_req, res) => {
    jwksRequests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  const issuer = options.issuer ?? 'https://idp.test';
  return {
    accessEntry: {
      type: 'jwks',
      options: { url, issuer, audience: 'trellis', algorithms: ['RS256'], principal: options.principal ?? 'user' },
    },
    get jwksRequests() {
      return jwksRequests;
    },
    mint(sub: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, sub, aud: 'trellis', iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1', ...header })
        .sign(privateKey);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
