package graph

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
)

// Seeds are the payload shapes of platforms.md sections 1, 2 and 4.

func FuzzDecodeError(f *testing.F) {
	f.Add(400, `{"error":{"message":"Error validating access token: Session has expired on Monday, 02-Mar-26 08:00:00 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCdEf"}}`, "")
	f.Add(400, `{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"A1"}}`, "")
	f.Add(400, `{"error":{"message":"(#80006) There have been too many messaging requests","type":"OAuthException","code":80006,"fbtrace_id":"A2"}}`, `{"123":[{"type":"messenger","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":5}]}`)
	f.Add(400, `{"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"error_user_title":"Message Not Sent","error_user_msg":"This person isn't available right now.","fbtrace_id":"A3"}}`, "")
	f.Add(500, `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"A4"}}`, "")
	f.Add(400, `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"More than 24 hours have passed"},"fbtrace_id":"A5"}}`, "")
	f.Add(502, `<html>Bad Gateway</html>`, "")
	f.Add(400, `{"error":{"code":"4","error_subcode":"x"}}`, "")
	f.Fuzz(func(t *testing.T, status int, body, buc string) {
		h := http.Header{}
		h.Set(HeaderBUCUsage, buc)
		e := DecodeError(status, h, []byte(body))
		if e == nil || e.Unwrap() == nil {
			t.Fatal("DecodeError returned no class")
		}
		_ = e.Error()
		var rl *channels.RateLimited
		if errors.As(e, &rl) && (rl.RetryAfter <= 0 || rl.RetryAfter > 24*time.Hour) {
			t.Errorf("RetryAfter = %v, want within (0, 24h]", rl.RetryAfter)
		}
	})
}

func FuzzParseUsage(f *testing.F) {
	f.Add(`{"call_count":28,"total_cputime":25,"total_time":25}`, `{"call_count":0,"total_cputime":0,"total_time":0}`,
		`{"112233":[{"type":"pages","call_count":5,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}`)
	f.Add(`{"call_count":"99"}`, ``, `{"1":[{"type":"instagram","call_count":101,"estimated_time_to_regain_access":1440}]}`)
	f.Add(`{"call_count":1e30}`, `null`, `{"1":null}`)
	f.Fuzz(func(t *testing.T, app, page, buc string) {
		h := http.Header{}
		h.Set(HeaderAppUsage, app)
		h.Set(HeaderPageUsage, page)
		h.Set(HeaderBUCUsage, buc)
		u, _ := ParseUsage(h)
		if d := u.Regain(); d < 0 || d > 24*time.Hour {
			t.Errorf("Regain() = %v", d)
		}
		if d := u.PollDelay(); d < 0 || d > 24*time.Hour {
			t.Errorf("PollDelay() = %v", d)
		}
	})
}

func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add(``)
	f.Add(Checkpoint{Since: 1705314600, Seen: []string{"m_1"}}.Encode())
	f.Add(Checkpoint{Since: 1705314600, Walk: &Walk{Top: 1705314660, Todo: []string{"t_1", "c:aWdf"}, Seen: []string{"m_2"}}}.Encode())
	f.Add(`{"v":1,"since":9223372036854775807}`)
	f.Fuzz(func(t *testing.T, cur string) {
		cp, err := DecodeCheckpoint(cur)
		if err != nil {
			return
		}
		again, err := DecodeCheckpoint(cp.Encode())
		if err != nil {
			t.Fatalf("a decoded checkpoint does not decode again: %v", err)
		}
		if again.Since != cp.Since || (again.Walk == nil) != (cp.Walk == nil) {
			t.Errorf("round trip changed the checkpoint: %+v → %+v", cp, again)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-15T10:30:00+0000", "2024-01-15T10:30:00Z", "1705314600", "1705314600123", "", "-5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err == nil && got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) is not UTC", s)
		}
		var tm Time
		_ = json.Unmarshal([]byte(`"`+s+`"`), &tm)
	})
}

// FuzzThreadItems decodes a conversation as GET /{conversation}?fields=…messages{…} returns it.
func FuzzThreadItems(f *testing.F) {
	f.Add(`{"id":"t_100000001","updated_time":"2024-01-15T10:31:00+0000","message_count":2,
		"participants":{"data":[{"name":"Giulia Rossi","email":"2400000001@facebook.com","id":"2400000001"},{"name":"Aurora Casa","email":"1000@facebook.com","id":"1000"}]},
		"messages":{"data":[
			{"id":"m_2","created_time":"2024-01-15T10:31:00+0000","from":{"name":"Aurora Casa","email":"1000@facebook.com","id":"1000"},"to":{"data":[{"name":"Giulia Rossi","id":"2400000001"}]},"message":"Ciao Giulia!"},
			{"id":"m_1","created_time":"2024-01-15T10:30:00+0000","from":{"name":"Giulia Rossi","email":"giulia@example.com","id":"2400000001"},"to":{"data":[{"name":"Aurora Casa","id":"1000"}]},"message":"Il mio ordine?",
			 "attachments":{"data":[{"id":"att1","mime_type":"image/jpeg","name":"IMG_2031.jpg","size":1843200,"image_data":{"url":"https://scontent.example/img.jpg","width":1080,"height":1080}}]}}],
			"paging":{"cursors":{"before":"QVFI","after":"QVFJ"},"next":"https://graph.facebook.com/v23.0/t_100000001/messages?after=QVFJ"}}}`)
	f.Add(`{"id":"aWdfZAG06MTpJR01lc3NhZA","updated_time":"2024-01-15T10:30:00+0000","participants":{"data":[{"username":"giulia.rossi","id":"9100001"},{"username":"auroracasa","id":"1000"}]},
		"messages":{"data":[{"id":"aWdfZAG1faXRlbToxOklH","created_time":"2024-01-15T10:30:00+0000","from":{"username":"giulia.rossi","id":"9100001"},"to":{"data":[{"username":"auroracasa","id":"1000"}]},"message":"Prezzo?"}]}}`)
	f.Add(`{"id":"t_1","messages":{"data":[{"id":"m_x","created_time":1705314600,"from":{"id":"1000"},"message":""}]}}`)
	f.Add(`{"messages":{"data":[{"id":"","created_time":null}]},"message_count":"25"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var c Conversation
		if json.Unmarshal([]byte(body), &c) != nil {
			return
		}
		w := Window{Since: 0, Top: 1 << 40}
		for _, it := range ThreadItems(c, "1000", convo.PlatformMessenger, w) {
			m := it.Message
			if m.PlatformID == "" || it.ThreadID == "" || it.Customer.Handle == "" || m.At.IsZero() || it.Kind != convo.KindDM {
				t.Errorf("incomplete item %+v", it)
			}
			if it.ThreadID == "1000" {
				t.Error("the Page itself became the customer")
			}
			if m.Direction != convo.DirIn && m.Direction != convo.DirOut {
				t.Errorf("direction %q", m.Direction)
			}
			for _, a := range m.Attachments {
				if a.Size < 0 || a.Type == "" {
					t.Errorf("attachment %+v", a)
				}
			}
		}
	})
}
