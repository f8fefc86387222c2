/** What the RPS and its pass-2 checker threads say to each other (structured clone: Uint8Arrays travel as such). */
export interface WireInput {
  mpinId: Uint8Array;
  date: number;
  y: Uint8Array;
  u?: Uint8Array;
  ut?: Uint8Array;
  v: Uint8Array;
}

export interface CheckRequest {
  batch: boolean;
  items: WireInput[];
}

export interface CheckReply {
  verdicts: boolean[];
}
