import { Controller } from '@nestjs/common';
import {
  AppError,
  BookingApprove,
  BookingCancel,
  BookingCreate,
  BookingDecline,
  BookingGet,
  BookingList,
  BookingNoShow,
  bookingViewWire,
  ErrorCode,
  type RpcRequest,
  type RpcResponse,
} from '@ampool/contracts';
import { RpcHandler, WireReply } from '@ampool/messaging';
import { BookingBatcher } from './booking-batcher';
import { BookingTransitions } from './booking-transitions.service';
import { BookingsRepository, bookingView } from './bookings.repository';

@Controller()
export class BookingsController {
  constructor(
    private readonly batcher: BookingBatcher,
    private readonly transitions: BookingTransitions,
    private readonly bookings: BookingsRepository,
  ) {}

  @RpcHandler(BookingCreate)
  async create(input: RpcRequest<typeof BookingCreate>): Promise<WireReply<typeof BookingCreate>> {
    const outcome = await this.batcher.book(input);
    if (!outcome.ok) throw outcome.error;
    // One reply per booking request: written out (see bookingViewWire), not through the schema.
    return new WireReply(BookingCreate, { booking: bookingViewWire(bookingView(outcome.booking)) });
  }

  @RpcHandler(BookingApprove)
  async approve(input: RpcRequest<typeof BookingApprove>): Promise<RpcResponse<typeof BookingApprove>> {
    return { booking: bookingView(await this.transitions.approve(input.id, input.driver)) };
  }

  @RpcHandler(BookingDecline)
  async decline(input: RpcRequest<typeof BookingDecline>): Promise<RpcResponse<typeof BookingDecline>> {
    return { booking: bookingView(await this.transitions.decline(input.id, input.driver)) };
  }

  @RpcHandler(BookingCancel)
  async cancel(input: RpcRequest<typeof BookingCancel>): Promise<RpcResponse<typeof BookingCancel>> {
    return { booking: bookingView(await this.transitions.cancel(input.id, input.by)) };
  }

  @RpcHandler(BookingNoShow)
  async noShow(input: RpcRequest<typeof BookingNoShow>): Promise<RpcResponse<typeof BookingNoShow>> {
    return { booking: bookingView(await this.transitions.noShow(input.id, input.driver)) };
  }

  @RpcHandler(BookingGet)
  async get(input: RpcRequest<typeof BookingGet>): Promise<RpcResponse<typeof BookingGet>> {
    const b = await this.bookings.findOne(input.id);
    if (!b) throw new AppError(ErrorCode.NOT_FOUND, `no booking ${input.id}`);
    return { booking: bookingView(b) };
  }

  @RpcHandler(BookingList)
  async list(input: RpcRequest<typeof BookingList>): Promise<RpcResponse<typeof BookingList>> {
    const rows = await this.bookings.list(input.participant, input.as, input.after, input.limit);
    return { bookings: rows.map((b) => bookingView(b)), next: rows.length === input.limit ? rows[rows.length - 1]!.id : null };
  }
}
