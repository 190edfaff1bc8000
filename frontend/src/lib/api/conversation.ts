import * as C from '../../../wailsjs/go/desktop/ConversationService'
import { call } from './call'
import * as n from './normalize'
import type { Message, Thread } from './types'

export async function openThread(id: string): Promise<Thread> {
  return n.thread(await call('ConversationService.Open', () => C.Open(id)))
}

/** Adds an internal note: visible to the team, never sent to the customer. */
export async function addNote(id: string, text: string): Promise<Message> {
  return n.message(await call('ConversationService.AddNote', () => C.AddNote(id, text)))
}
