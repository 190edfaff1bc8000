// Moving a public comment to a private conversation (Go: ComposerService.PrivateReply).
import * as C from '../../../wailsjs/go/desktop/ComposerService'
import { desktop } from '../../../wailsjs/go/models'
import { call } from './call'
import * as n from './normalize'
import type { Row } from './types'

export interface PrivateReplyRequest {
  /** The public comment's conversation. */
  convId: string
  /** The one private message the comment may get. */
  text: string
  /** Posted publicly under the comment through the outbox when not empty. */
  followUp: string
}

export interface PrivateReplyResult {
  /** The public conversation, now linked (linkedId) to the private one. */
  public: Row
  /** The private conversation, linked back. */
  private: Row
  /** The public follow-up's outbox state; id "" when none was asked for. */
  followUp: { id: string; state: string; err: string }
}

export async function privateReply(req: PrivateReplyRequest): Promise<PrivateReplyResult> {
  const r = await call('ComposerService.PrivateReply', () => C.PrivateReply(desktop.PrivateReplyRequest.createFrom(req)))
  return {
    public: n.row(r?.public),
    private: n.row(r?.private),
    followUp: { id: r?.followUp?.id ?? '', state: r?.followUp?.state ?? '', err: r?.followUp?.err ?? '' },
  }
}
