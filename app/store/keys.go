package store

import (
	"encoding/binary"
	"time"
)

// Every key family of the store. Times inside keys are big-endian Unix
// nanoseconds so that Badger's byte order is time order.
//
//	meta/schema                       schema version (decimal text)
//	meta/duepolicy                    fingerprint of the SLA policy the due index was computed with
//	acct/<accountID>                  convo.Account (secrets live in the OS keychain)
//	cur/<accountID>                   sync cursor, written in the same txn as the messages it covers
//	conv/<convID>                     convo.Conversation
//	thr/<accountID>/<threadID>        convID of a platform thread
//	msg/<convID>/<at>/<msgID>         convo.Message
//	pid/<accountID>/<platformMsgID>   msg key: a message delivered twice is stored once
//	due/<dueAt>/<convID>              queue index: conversations in the queue by due instant
//	cust/<customerID>                 convo.Customer
//	ident/<platform>/<handle>         customerID
//	ccv/<customerID>/<convID>         the customer's conversations
//	word/<token>/<convID>             search index over customer names and message text
//	ix/<seq>                          msg key of a message stored but not yet in the word index
//	ev/<day>/<at>/<eventID>           append-only event log (day = YYYYMMDD in UTC)
//	pref/<name>                       preferences (JSON)
//	mark/<convID>/<deadline>/<start>/<threshold>   a deadline threshold that fired (once, across restarts)
//	ntc/<at>/<noticeID>               in-app notification (JSON)
//	tpl/<templateID>                  reply template (JSON, owned by app/templates)
//	draft/<convID>                    the agent's draft reply (JSON, owned by app/outbox)
//	out/<seq>/<clientID>              outbox item (JSON, owned by app/outbox; seq keeps send order)
const (
	pMeta   = "meta/"
	pAcct   = "acct/"
	pCur    = "cur/"
	pConv   = "conv/"
	pThr    = "thr/"
	pMsg    = "msg/"
	pPid    = "pid/"
	pDue    = "due/"
	pCust   = "cust/"
	pIdent  = "ident/"
	pCcv    = "ccv/"
	pWord   = "word/"
	pIx     = "ix/"
	pEv     = "ev/"
	pPref   = "pref/"
	pMark   = "mark/"
	pNotice = "ntc/"
	pTpl    = "tpl/"
	pDraft  = "draft/"
	pOut    = "out/"
)

var keySchema = []byte(pMeta + "schema")

func kAcct(id string) []byte          { return []byte(pAcct + id) }
func kCur(acct string) []byte         { return []byte(pCur + acct) }
func kConv(id string) []byte          { return []byte(pConv + id) }
func kThr(acct, thread string) []byte { return []byte(pThr + acct + "/" + thread) }
func kPid(acct, pid string) []byte    { return []byte(pPid + acct + "/" + pid) }
func kCust(id string) []byte          { return []byte(pCust + id) }
func kIdent(p, handle string) []byte  { return []byte(pIdent + p + "/" + handle) }
func kCcv(cust, conv string) []byte   { return []byte(pCcv + cust + "/" + conv) }
func kWord(tok, conv string) []byte   { return []byte(pWord + tok + "/" + conv) }
func kPref(name string) []byte        { return []byte(pPref + name) }
func kMsgPrefix(conv string) []byte   { return []byte(pMsg + conv + "/") }
func kCcvPrefix(cust string) []byte   { return []byte(pCcv + cust + "/") }

// noDue sorts conversations with nothing due after every dated one.
var noDue = time.Unix(1<<40, 0)

func appendTime(b []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(t.UnixNano()))
}

func kMsg(conv string, at time.Time, id string) []byte {
	b := appendTime([]byte(pMsg+conv+"/"), at)
	return append(append(b, '/'), id...)
}

func kDue(due time.Time, conv string) []byte {
	if due.IsZero() {
		due = noDue
	}
	b := appendTime([]byte(pDue), due)
	return append(append(b, '/'), conv...)
}

func kEv(at time.Time, id string) []byte {
	b := []byte(pEv + at.UTC().Format("20060102") + "/")
	b = appendTime(b, at)
	return append(append(b, '/'), id...)
}

// convFromDueKey returns the conversation ID at the end of a due key.
func convFromDueKey(k []byte) string { return string(k[len(pDue)+9:]) }

func kMark(m string) []byte { return []byte(pMark + m) }

func kNotice(at time.Time, id string) []byte {
	return append(append(appendTime([]byte(pNotice), at), '/'), id...)
}
