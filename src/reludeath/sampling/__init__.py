"""The sampler: random streams named by what a thing is, and the numbers drawn from them.

Modules, each importing only those before it:

- ``pcg``: numpy's ``PCG64(SeedSequence(seed, spawn_key=key))`` streams in compiled code, bit
  for bit, one stream (``Stream``) or one per network of a batch (``Streams``);
- ``seeds``: the keys (tuples naming a draw family, width, network, ...) and their streams;
- ``normals``: standard normals from a stream's raw words (a compiled Box-Muller transform);
- ``uniforms``: numpy's ``Generator.random`` and ``integers`` on the same words.

The compiled code comes from ``reludeath.compiler`` and is built on the first draw, so
importing the sampler (as planning a workflow does, for the schemes' metadata) compiles and
imports nothing of llvmlite.
"""
