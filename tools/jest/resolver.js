/**
 * Jest resolver: the default one, and for a package whose `exports` offer only an `import` entry
 * (an ES-module-only package), a second try with the `import` condition; Jest then compiles that
 * package to CommonJS (see esmPackages.js).
 */
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (request.startsWith('.') || request.startsWith('/')) {
      throw error;
    }
    try {
      return options.defaultResolver(request, { ...options, conditions: [...(options.conditions ?? []), 'import'] });
    } catch {
      throw error;
    }
  }
};
