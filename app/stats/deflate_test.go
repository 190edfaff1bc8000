package stats

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"
)

// Chunks deflated apart and joined read back as one stream, whatever the
// write sizes and however many chunks.
func TestParallelDeflate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, chunkSize - 1, chunkSize, 3*chunkSize + 12345} {
		data := make([]byte, size)
		for i := range data {
			data[i] = "abcdefgh<row r=\"1\">"[r.IntN(19)]
		}
		var z bytes.Buffer
		d := newParallelDeflate(&z)
		for rest := data; len(rest) > 0; {
			k := min(len(rest), 1+r.IntN(300_000))
			if _, err := d.Write(rest[:k]); err != nil {
				t.Fatal(err)
			}
			rest = rest[k:]
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(&z))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: read back %d bytes, err %v", size, len(got), err)
		}
	}
}
