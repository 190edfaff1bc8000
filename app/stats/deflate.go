package stats

import (
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"sync"
)

// chunkSize is how much of a file one core deflates at a time.
const chunkSize = 1 << 20

var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// parallelDeflate compresses in independent chunks on every core, as pigz
// does: each chunk ends with a sync flush (byte-aligned, not final), so the
// chunks joined in order and closed by one final empty block are a single
// valid deflate stream. The workbook's big sheet then costs half the time.
type parallelDeflate struct {
	out   io.Writer
	buf   []byte
	order chan chan []byte // compressed chunks, in file order
	slots chan struct{}    // bounds the chunks in flight
	done  chan error
}

func newParallelDeflate(out io.Writer) *parallelDeflate {
	n := runtime.GOMAXPROCS(0)
	d := &parallelDeflate{out: out, order: make(chan chan []byte, 2*n), slots: make(chan struct{}, 2*n), done: make(chan error, 1)}
	go func() {
		var err error
		for res := range d.order {
			b := <-res
			if err == nil {
				_, err = d.out.Write(b)
			}
			<-d.slots
		}
		d.done <- err
	}()
	return d
}

func (d *parallelDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.buf == nil {
			d.buf = make([]byte, 0, chunkSize)
		}
		k := min(len(p), chunkSize-len(d.buf))
		d.buf = append(d.buf, p[:k]...)
		p = p[k:]
		if len(d.buf) == chunkSize {
			d.submit()
		}
	}
	return n, nil
}

func (d *parallelDeflate) submit() {
	chunk := d.buf
	d.buf = nil
	res := make(chan []byte, 1)
	d.slots <- struct{}{}
	d.order <- res
	go func() {
		var b bytes.Buffer
		b.Grow(len(chunk) / 3)
		w := flaters.Get().(*flate.Writer)
		w.Reset(&b)
		_, _ = w.Write(chunk) // writes to a bytes.Buffer cannot fail
		_ = w.Flush()
		flaters.Put(w)
		res <- b.Bytes()
	}()
}

// Close compresses what is left and ends the stream.
func (d *parallelDeflate) Close() error {
	if len(d.buf) > 0 {
		d.submit()
	}
	close(d.order)
	if err := <-d.done; err != nil {
		return err
	}
	w := flaters.Get().(*flate.Writer)
	defer flaters.Put(w)
	w.Reset(d.out)
	return w.Close() // the final, empty block
}
