// Statistics for team leads (Go: app/desktop StatsService). Definitions: docs/metrics.md.
import * as S from '../../../wailsjs/go/desktop/StatsService'
import { call } from './call'

export type SlaMetric = 'first_response' | 'next_response' | 'resolution'
export type ExportFormat = 'csv' | 'xlsx'

/** Response times in seconds; n is how many values they summarise (0: nothing to show). */
export interface StatsDurations {
  n: number
  medianS: number
  meanS: number
  p90S: number
}

export interface StatsSla {
  metric: SlaMetric
  met: number
  breached: number
}

export interface StatsFigures {
  conversations: number
  inbound: number
  publicInbound: number
  outbound: number
  new: number
  neededReply: number
  replied: number
  firstResponse: StatsDurations
  firstResponseBusiness: StatsDurations
  nextResponse: StatsDurations
  nextResponseBusiness: StatsDurations
  sla: StatsSla[]
  breaches: number
  windowsExpired: number
  resolved: number
  repeatContacts: number
  backlog: number
  publicConversations: number
  movedToPrivate: number
}

/** One platform, account or agent; key "" is the unassigned agent. */
export interface StatsGroup {
  key: string
  label: string
  figures: StatsFigures
}

export interface StatsVolume {
  inbound: number
  outbound: number
  new: number
}

export interface StatsDay extends StatsVolume {
  date: string
}

/** A bar of the first-response distribution in seconds; toS 0 means no upper end. */
export interface StatsBin {
  fromS: number
  toS: number
  count: number
}

export interface StatsReport {
  from: string
  to: string
  timeZone: string
  empty: boolean
  total: StatsFigures
  byPlatform: StatsGroup[]
  byAccount: StatsGroup[]
  byAgent: StatsGroup[]
  /** 24 entries: hours of the day in the team's time zone, summed over the period. */
  hourly: StatsVolume[]
  daily: StatsDay[]
  firstResponses: StatsBin[]
  computeMs: number
}

export interface StatsToday {
  date: string
  timeZone: string
}

/** What an export wrote; no files means the save dialog was cancelled. */
export interface StatsExport {
  files: string[]
  empty: boolean
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Wire = any

const arr = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : [])
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

function durations(d: Wire): StatsDurations {
  return { n: num(d?.n), medianS: num(d?.medianS), meanS: num(d?.meanS), p90S: num(d?.p90S) }
}

export function statsFigures(f: Wire): StatsFigures {
  return {
    conversations: num(f?.conversations),
    inbound: num(f?.inbound),
    publicInbound: num(f?.publicInbound),
    outbound: num(f?.outbound),
    new: num(f?.new),
    neededReply: num(f?.neededReply),
    replied: num(f?.replied),
    firstResponse: durations(f?.firstResponse),
    firstResponseBusiness: durations(f?.firstResponseBusiness),
    nextResponse: durations(f?.nextResponse),
    nextResponseBusiness: durations(f?.nextResponseBusiness),
    sla: arr<Wire>(f?.sla).map((s) => ({ metric: s?.metric, met: num(s?.met), breached: num(s?.breached) })),
    breaches: num(f?.breaches),
    windowsExpired: num(f?.windowsExpired),
    resolved: num(f?.resolved),
    repeatContacts: num(f?.repeatContacts),
    backlog: num(f?.backlog),
    publicConversations: num(f?.publicConversations),
    movedToPrivate: num(f?.movedToPrivate),
  }
}

function groups(gs: Wire): StatsGroup[] {
  return arr<Wire>(gs).map((g) => ({ key: String(g?.key ?? ''), label: String(g?.label ?? ''), figures: statsFigures(g?.figures) }))
}

export function statsReport(r: Wire): StatsReport {
  const volume = (v: Wire): StatsVolume => ({ inbound: num(v?.inbound), outbound: num(v?.outbound), new: num(v?.new) })
  return {
    from: String(r?.from ?? ''),
    to: String(r?.to ?? ''),
    timeZone: String(r?.timeZone ?? ''),
    empty: Boolean(r?.empty),
    total: statsFigures(r?.total),
    byPlatform: groups(r?.byPlatform),
    byAccount: groups(r?.byAccount),
    byAgent: groups(r?.byAgent),
    hourly: arr<Wire>(r?.hourly).map(volume),
    daily: arr<Wire>(r?.daily).map((d) => ({ date: String(d?.date ?? ''), ...volume(d) })),
    firstResponses: arr<Wire>(r?.firstResponses).map((b) => ({ fromS: num(b?.fromS), toS: num(b?.toS), count: num(b?.count) })),
    computeMs: num(r?.computeMs),
  }
}

export async function getStatsToday(): Promise<StatsToday> {
  const t = await call('StatsService.Today', () => S.Today())
  return { date: String(t?.date ?? ''), timeZone: String(t?.timeZone ?? '') }
}

/** The figures of the days from..to (YYYY-MM-DD, inclusive) in the team's time zone. */
export async function getStatsReport(from: string, to: string): Promise<StatsReport> {
  return statsReport(await call('StatsService.Report', () => S.Report(from, to)))
}

/** Asks where to save with the system's dialog, then writes the export there. */
export async function exportStatsWithDialog(from: string, to: string, format: ExportFormat): Promise<StatsExport> {
  const r = await call('StatsService.ExportDialog', () => S.ExportDialog(from, to, format))
  return { files: arr(r?.files).map(String), empty: Boolean(r?.empty) }
}

/** Writes the export to an absolute path (CSV also writes <name>-conversations.csv beside it). */
export async function exportStats(from: string, to: string, format: ExportFormat, path: string): Promise<StatsExport> {
  const r = await call('StatsService.Export', () => S.Export(from, to, format, path))
  return { files: arr(r?.files).map(String), empty: Boolean(r?.empty) }
}
