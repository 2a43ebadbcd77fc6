import winston from 'winston';
import { LineWriter } from './LineWriter';

const MESSAGE = Symbol.for('message');
// winston exports its transport base class as `Transport`; its type declarations name it `transport`.
const Transport = (winston as unknown as { Transport: new () => winston.transport }).Transport;

/**
 * A winston transport that hands each formatted line to a {@link LineWriter}, so the lines of
 * plugins and the request lines written past winston share one buffer and keep their order.
 *
 * @internal
 */
export class LineWriterTransport extends Transport {
  readonly #writer: LineWriter;

  constructor(writer: LineWriter) {
    super();
    this.#writer = writer;
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.#writer.write(String(info[MESSAGE]));
    callback();
  }
}
