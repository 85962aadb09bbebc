package routing

import "slices"

// histChunk is how many assignment times a chunk of a history holds before
// the next one starts.
const histChunk = 256

// history is one agent's assignment times (unix nanoseconds), sorted, kept
// in chunks of about histChunk, so that recording a time never copies the
// whole history: a store that keeps 400 days does not stall every other
// reservation while one agent's history grows. Its zero value is empty.
type history struct {
	chunks [][]int64 // each sorted and non-empty; every chunk's times ≤ the next's
}

// add records ns.
func (h *history) add(ns int64) {
	n := len(h.chunks)
	if n == 0 || h.last() <= ns { // the usual case: time moves on
		if n == 0 || len(h.chunks[n-1]) >= histChunk {
			// The first chunk grows as it fills (few times cost little);
			// once one is full, the next is made whole, one allocation
			// instead of nine under the agent's lock.
			var c []int64
			if n > 0 {
				c = make([]int64, 0, histChunk)
			}
			h.chunks = append(h.chunks, c)
			n++
		}
		h.chunks[n-1] = append(h.chunks[n-1], ns)
		return
	}
	// The first chunk ending after ns takes it, after its equal times.
	k, _ := slices.BinarySearchFunc(h.chunks, ns, func(c []int64, t int64) int {
		if c[len(c)-1] <= t {
			return -1
		}
		return 1
	})
	c := h.chunks[k]
	i, _ := slices.BinarySearch(c, ns+1)
	c = slices.Insert(c, i, ns)
	if len(c) < 2*histChunk {
		h.chunks[k] = c
		return
	}
	half := len(c) / 2 // split a chunk that grew twice the size
	h.chunks[k] = slices.Clip(c[:half])
	h.chunks = slices.Insert(h.chunks, k+1, slices.Clone(c[half:]))
}

// last returns the latest time; the history is not empty.
func (h *history) last() int64 {
	c := h.chunks[len(h.chunks)-1]
	return c[len(c)-1]
}

// from counts the times at or after cut.
func (h *history) from(cut int64) int {
	n := 0
	for k := len(h.chunks) - 1; k >= 0; k-- {
		c := h.chunks[k]
		if c[0] >= cut {
			n += len(c)
			continue
		}
		i, _ := slices.BinarySearch(c, cut)
		return n + len(c) - i
	}
	return n
}

// forget drops the chunks whose times are all before old.
func (h *history) forget(old int64) {
	k := 0
	for k < len(h.chunks)-1 && h.chunks[k][len(h.chunks[k])-1] < old {
		k++
	}
	if k > 0 {
		h.chunks = slices.Delete(h.chunks, 0, k)
	}
}

// len returns the number of times kept.
func (h *history) len() int {
	n := 0
	for _, c := range h.chunks {
		n += len(c)
	}
	return n
}
