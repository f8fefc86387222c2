/**
 * BN254CX, the CertiVox/MIRACL curve of M-Pin ("BNCX" in milagro-crypto 1.0, `BN254CX` in AMCL v3).
 *
 * Not noble's `bn254`: that one is Ethereum's alt_bn128 (u = +0x44e992b44a6909f1, b = 3, ξ = 9+i),
 * a different curve whose points and pairings mean nothing here. M-Pin clients and servers in the
 * field (Milagro MFA, its mobile app, its SDK) all use BN254CX with SHA-256, so this is the curve the
 * extension and the reference server speak.
 *
 * | parameter | value (from AMCL `rom_curve` / `rom_field`, BN254CX) |
 * | --- | --- |
 * | u | −0x4000000003C012B1 |
 * | p | 0x2400000008702a0db0bddf647a6366d3243fd6ee18093ee1be6623ef5c1b55b3 |
 * | r | 0x2400000008702a0db0bddf647a6366d2c43fd6ee0cc906cebe11c0a636eb1f6d |
 * | E | y² = x³ + 2, G1 = (−1, 1), cofactor 1 |
 * | E′ | y² = x³ + 2/(1+i) = x³ + (1−i), D-type, cofactor 2p − r |
 * @module
 */
import { createBnCurve } from './bn-curve.ts';

export const bn254cx = /* @__PURE__ */ createBnCurve({
  name: 'BN254CX',
  u: -0x4000000003c012b1n,
  p: 0x2400000008702a0db0bddf647a6366d3243fd6ee18093ee1be6623ef5c1b55b3n,
  r: 0x2400000008702a0db0bddf647a6366d2c43fd6ee0cc906cebe11c0a636eb1f6dn,
  b: 2n,
  g2: {
    xa: 0x19682d2c7053b256358b2500f5c34bbb907c85bfa03e2726c0851ceee4d2ec74n,
    xb: 0x1466b9ec3e19f64aa011c937a8e99743f81b97b0c209c30f47a58e8b2e29cfe1n,
    ya: 0x0a79edd972332b8dd81e22157daee2096361b33d847ec1b30cfbfcebcf0be09fn,
    yb: 0x06160c39ecc4c09035c6e4512d8d3461c2864ea569d2edebed904b228898ee9dn,
  },
});
