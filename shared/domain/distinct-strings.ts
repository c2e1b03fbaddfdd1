/**
 * The strings without repeats, in first-seen order; the input itself when it has none.
 *
 * An open-addressing table of indexes (FNV-1a over the code units, linear probing, at most half full)
 * sized once for the input: a `Set` of a batch's 10,000 SQS message ids took 2.3 to 3.2 ms, most of it
 * growing its table and hashing fresh strings, this 0.5 ms (docs/benchmarks.md, "Collector").
 * Equal strings are found by `===` on a hash match, so the answer is exact whatever the hashes do.
 *
 * @param strings - any strings (SQS message ids in the collector)
 */
export function distinctInOrder(strings: readonly string[]): readonly string[] {
  const count = strings.length;
  let size = 16;
  while (size < 2 * count) size *= 2;
  const mask = size - 1;
  // Slot holds index + 1 of the string it keeps; 0 is empty.
  const slots = new Int32Array(size);
  let distinct: string[] | undefined;
  for (let i = 0; i < count; i++) {
    const text = strings[i] as string;
    let hash = 0x811c9dc5;
    for (let j = 0; j < text.length; j++) hash = Math.imul(hash ^ text.charCodeAt(j), 0x01000193);
    let slot = hash & mask;
    let seen = false;
    for (let at = slots[slot] as number; at !== 0; at = slots[slot] as number) {
      if (strings[at - 1] === text) {
        seen = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (seen) distinct ??= strings.slice(0, i);
    else {
      slots[slot] = i + 1;
      distinct?.push(text);
    }
  }
  return distinct ?? strings;
}
