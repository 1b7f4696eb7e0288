// Passwords: the one place that hashes and checks them (scrypt from node:crypto). The store keeps and returns only
// hashes, `scrypt$N$r$p$salt$hash` with base64url parts; the parameters are stored with each hash, so they can be
// raised later without breaking old accounts. Web sign-in, phone sync (HTTP Basic) and the Login Flow all check a
// password through `verifyPassword` here.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { User, UserRepository } from '../store/listener-ports.ts';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: 128 * n * r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` is the one `stored` was made from (a hash of another shape matches nothing). */
export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password: checking against it costs the same as a real one (unknown user names). */
const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${randomBytes(16).toString('base64url')}$${randomBytes(KEY_LENGTH).toString('base64url')}`;

/**
 * The user when the password is right and the account not disabled, with the account's current `authEpoch`;
 * undefined for an unknown name, a wrong password or a disabled account, each at the same cost (one scrypt).
 */
export async function verifyPassword(
  users: UserRepository,
  name: string,
  password: string,
): Promise<(User & { authEpoch: number }) | undefined> {
  const found = await users.credentials(name);
  const ok = await passwordMatches(password, found?.passwordHash ?? DUMMY_HASH);
  if (found === undefined || !ok || found.disabledAt !== undefined) return undefined;
  const { passwordHash: _hash, ...user } = found;
  return user;
}

/** Creates an account with this password (the store's `create` says who becomes admin and which names are taken). */
export async function createAccount(
  users: UserRepository,
  input: { name: string; password: string; isAdmin?: boolean },
  now: Date,
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return users.create(
    { name: input.name, passwordHash, ...(input.isAdmin !== undefined ? { isAdmin: input.isAdmin } : {}) },
    now,
  );
}

/** Sets a new password; every session derived from the old one ends (see the store's `setPasswordHash`). */
export async function setPassword(
  users: UserRepository,
  userId: number,
  password: string,
  now: Date,
  options: { keepSession?: string } = {},
): Promise<void> {
  await users.setPasswordHash(userId, await hashPassword(password), now, options);
}
