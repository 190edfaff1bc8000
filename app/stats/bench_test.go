package stats_test

import (
	"io"
	"testing"

	"sportello/app/sla"
	"sportello/app/stats"
)

func BenchmarkCompute100k(b *testing.B) {
	p, _ := stats.NewPeriod("2026-11-23", "", zone)
	in := stats.Synthetic(42, 100000, p, sla.DefaultPolicy(zone))
	b.ResetTimer()
	for range b.N {
		stats.Compute(in)
	}
}

func BenchmarkXLSX100k(b *testing.B) {
	p, _ := stats.NewPeriod("2026-11-23", "", zone)
	rep := stats.Compute(stats.Synthetic(42, 100000, p, sla.DefaultPolicy(zone)))
	b.ResetTimer()
	for range b.N {
		if err := stats.WriteXLSX(io.Discard, &rep); err != nil {
			b.Fatal(err)
		}
	}
}
