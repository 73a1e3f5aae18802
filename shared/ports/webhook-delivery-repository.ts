/** A GitHub webhook delivery that was applied, as remembered for deduplication. */
export interface WebhookDelivery {
  /** X-GitHub-Delivery: GitHub keeps it on a redelivery. */
  delivery_id: string;
  /** X-GitHub-Event, and the payload's action. */
  event: string;
  action: string | null;
  github_run_id: number | null;
  /** What applying it found and did, for an operator reading the table. */
  run_id: string | null;
  matched: boolean;
  changed: boolean;
  received_at: string;
}

/** The deliveries applied in the last WEBHOOK_DELIVERY_RETENTION_DAYS. */
export interface WebhookDeliveryRepository {
  /** Whether the delivery was applied already. */
  isRecorded(deliveryId: string): Promise<boolean>;
  /** Remembers an applied delivery; false when it was already remembered (a duplicate applied concurrently). */
  record(delivery: WebhookDelivery): Promise<boolean>;
}
