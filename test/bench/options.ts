/** Option parsers the benchmark commands share. */
import { InvalidArgumentError } from 'commander';

/** A commander parser for an integer option of at least `min`. */
export const integerAtLeast = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
  return n;
};
