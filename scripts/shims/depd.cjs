'use strict';
// depd's API for the production bundle, without what depd does at load time: it reads a stack
// trace to find its caller, which makes V8 work out the line ends of the whole bundle (3.5 MiB,
// 42 million instructions, the largest single item of a start measured with callgrind). Express,
// router and http-errors only call `deprecate(message)`; each message is emitted once, as a
// DeprecationWarning, so `--no-deprecation` and `--throw-deprecation` apply as with depd.
function depd(namespace) {
  const emitted = new Set();
  function warn(message) {
    if (!emitted.has(message)) {
      emitted.add(message);
      process.emitWarning(`${namespace} deprecated ${message}`, 'DeprecationWarning');
    }
  }
  function deprecate(message) {
    warn(String(message));
  }
  deprecate.function = function (fn, message) {
    if (typeof fn !== 'function') throw new TypeError('argument fn must be a function');
    const text = message || `${fn.name || '<anonymous>'}`;
    return function () {
      warn(text);
      return fn.apply(this, arguments);
    };
  };
  deprecate.property = function (object, property, message) {
    const descriptor = Object.getOwnPropertyDescriptor(object, property);
    if (!descriptor) throw new TypeError('must call property on owner object');
    if (!descriptor.configurable) throw new TypeError('property must be configurable');
    const text = message || `${String(property)}`;
    let value = descriptor.value;
    const get = descriptor.get || (() => value);
    const set = descriptor.set || ((next) => (value = next));
    Object.defineProperty(object, property, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get() {
        warn(text);
        return get.call(this);
      },
      set(next) {
        warn(text);
        set.call(this, next);
      },
    });
  };
  return deprecate;
}
module.exports = depd;
