// A device's files merged into one time-ordered stream: a k-way merge of the per-file event
// lists. Each file's own order is kept as it is (its clock may jump: order within a file is
// the truth), and on equal times the file given first wins, so the merge is stable.
import type { Event } from '../types.js';

interface Head {
  stream: number;
  index: number;
  event: Event;
}

function before(a: Head, b: Head): boolean {
  return a.event.time < b.event.time || (a.event.time === b.event.time && a.stream < b.stream);
}

/** A binary min-heap of stream heads: log(k) per event however many files a device has. */
class HeadHeap {
  private readonly items: Head[] = [];

  get size(): number {
    return this.items.length;
  }

  push(head: Head): void {
    const items = this.items;
    items.push(head);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      const c = items[i];
      if (!p || !c || !before(c, p)) break;
      items[parent] = c;
      items[i] = p;
      i = parent;
    }
  }

  pop(): Head | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      const l = items[left];
      const r = items[right];
      const s = items[smallest];
      if (l && s && before(l, s)) smallest = left;
      const s2 = items[smallest];
      if (r && s2 && before(r, s2)) smallest = right;
      if (smallest === i) break;
      const a = items[i];
      const b = items[smallest];
      if (!a || !b) break;
      items[i] = b;
      items[smallest] = a;
      i = smallest;
    }
    return top;
  }
}

/** Merges per-file event lists (each in file order) into one list in time order. */
export function mergeEventStreams(streams: readonly (readonly Event[])[]): Event[] {
  const heap = new HeadHeap();
  streams.forEach((events, stream) => {
    const first = events[0];
    if (first) heap.push({ stream, index: 0, event: first });
  });
  const merged: Event[] = [];
  while (heap.size > 0) {
    const head = heap.pop();
    if (!head) break;
    merged.push(head.event);
    const next = streams[head.stream]?.[head.index + 1];
    if (next) heap.push({ stream: head.stream, index: head.index + 1, event: next });
  }
  return merged;
}
