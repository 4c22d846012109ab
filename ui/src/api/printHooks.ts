// Prints: what is for sale, a quote from the server (the price charged is the price shown), an order
// that opens the payment page, and the buyer's orders.

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import type { OrderPrint, PrintChoice, PrintOrdersOutput } from './types';

export const printKeys = {
  products: ['prints', 'products'] as const,
  quote: (c: PrintChoice) => ['prints', 'quote', c] as const,
  orders: ['prints', 'orders'] as const,
};

export function usePrintProducts() {
  const client = useClient();
  return useQuery({ queryKey: printKeys.products, queryFn: () => client.call('prints.products', {}), staleTime: 5 * 60_000 });
}

export function usePrintQuote(choice: PrintChoice | null) {
  const client = useClient();
  return useQuery({
    queryKey: printKeys.quote(choice ?? { image_id: '', product: 'poster', size: '', quantity: 1 }),
    queryFn: () => client.call('prints.quote', choice as PrintChoice),
    enabled: !!choice,
  });
}

export function useOrderPrint() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (order: OrderPrint) => client.call('prints.order', order),
    onSuccess: () => void qc.invalidateQueries({ queryKey: printKeys.orders }),
  });
}

export function useCancelPrint() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (orderId: string) => client.call('prints.cancel', { order_id: orderId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: printKeys.orders }),
  });
}

export function usePrintOrders() {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: printKeys.orders,
    queryFn: ({ pageParam }) => client.call('prints.list', { limit: 50, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: PrintOrdersOutput) => last.next ?? undefined,
  });
}
