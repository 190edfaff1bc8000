package sla

// CalendarOf is the calendar a class's SLA clocks run on: the business
// calendar, or a 24/7 one in the same time zone. Statistics use it to report
// response times in business time exactly as the SLA counts them.
func (p *Policy) CalendarOf(cl Class) *Calendar { return p.calendarOf(cl) }
