package stats

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/store"
)

// Source is what the statistics read from the store.
type Source interface {
	Events(day string, fn func(e convo.Event) error) error
	Conversation(id string) (convo.Conversation, error)
	Messages(conv string, limit int) ([]convo.Message, error)
	Accounts() ([]convo.Account, error)
}

// Load reads what the report of p needs: the event log from Lookback before
// p to its end (the log is keyed by UTC day, so a day in the team's zone spans
// two of its days), the records of the conversations the events name, and the
// earlier messages of conversations that began before p.
func Load(src Source, pol sla.Policy, p Period) (Input, error) {
	in := Input{Period: p, Convs: map[string]convo.Conversation{}, Prior: map[string][]convo.Message{}, Accounts: map[string]string{}}
	from := p.Start.Add(-Lookback)
	var days []string
	last := p.End.Add(-time.Nanosecond).UTC().Format("20060102")
	for d := from.UTC(); ; d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format("20060102"))
		if days[len(days)-1] == last {
			break
		}
	}
	// The days are read side by side (decoding dominates), then joined in
	// order: the events stay in time order.
	perDay := make([][]convo.Event, len(days))
	err := parallel(len(days), func(i int) error {
		err := src.Events(days[i], func(e convo.Event) error {
			switch {
			case e.At.Before(from) || !e.At.Before(p.End):
				return nil
			case e.At.Before(p.Start) && e.Type != convo.EvStatus && e.Type != convo.EvAssign:
				return nil // before the period only resolutions and assignments matter
			}
			perDay[i] = append(perDay[i], e)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the event log of %s: %w", days[i], err)
		}
		return nil
	})
	if err != nil {
		return in, err
	}
	n := 0
	for _, evs := range perDay {
		n += len(evs)
	}
	in.Events = make([]convo.Event, 0, n)
	// Records are read for the conversations the period touches, and for
	// those resolved in the days before it (whose customer may come back).
	touched := map[string]bool{}
	needed := map[string]bool{}
	var need []string
	for _, evs := range perDay {
		for _, e := range evs {
			in.Events = append(in.Events, e)
			inPeriod := !e.At.Before(p.Start)
			if inPeriod {
				touched[e.ConvID] = true
			}
			if (inPeriod || e.Type == convo.EvStatus && e.Data == string(convo.StatusResolved)) && !needed[e.ConvID] {
				needed[e.ConvID] = true
				need = append(need, e.ConvID)
			}
		}
	}
	convs := make([]convo.Conversation, len(need))
	found := make([]bool, len(need))
	err = parallel(len(need), func(i int) error {
		c, err := src.Conversation(need[i])
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		convs[i], found[i] = c, err == nil
		return err
	})
	if err != nil {
		return in, err
	}
	var older []string // touched conversations that began before the period
	for i, id := range need {
		if !found[i] {
			continue
		}
		in.Convs[id] = convs[i]
		if touched[id] && convs[i].Created.Before(p.Start) {
			older = append(older, id)
		}
	}
	prior := make([][]convo.Message, len(older))
	err = parallel(len(older), func(i int) error {
		msgs, err := src.Messages(older[i], 0)
		if err != nil {
			return fmt.Errorf("messages of %s: %w", older[i], err)
		}
		for _, m := range msgs {
			if m.At.Before(p.Start) && m.Direction != convo.DirNote {
				prior[i] = append(prior[i], convo.Message{Direction: m.Direction, At: m.At})
			}
		}
		return nil
	})
	if err != nil {
		return in, err
	}
	for i, id := range older {
		in.Prior[id] = prior[i]
	}
	accts, err := src.Accounts()
	if err != nil {
		return in, fmt.Errorf("read accounts: %w", err)
	}
	for _, a := range accts {
		in.Accounts[a.ID] = a.Name
	}
	in.Calendar = Calendars(pol)
	return in, nil
}

// parallel runs fn(0..n-1) on every core and returns the first error.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := fn(i); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Calendars returns the SLA calendar of a conversation under pol.
func Calendars(pol sla.Policy) func(convo.Conversation) *sla.Calendar {
	return func(c convo.Conversation) *sla.Calendar { return pol.CalendarOf(sla.ClassOf(c)) }
}

// Build loads and computes the report of the days from..to in the zone of
// pol's business calendar (the team's time zone).
func Build(src Source, pol sla.Policy, from, to string) (Report, error) {
	p, err := NewPeriod(from, to, pol.Business.TimeZone)
	if err != nil {
		return Report{}, err
	}
	in, err := Load(src, pol, p)
	if err != nil {
		return Report{}, err
	}
	return Compute(in), nil
}
