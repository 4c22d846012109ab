-- Paid print orders the lab has not taken yet, found by the retry sweep without a scan.
CREATE INDEX print_orders_stalled ON print_orders (updated_at, id) WHERE status = 'paid' AND lab_order_id IS NULL;
