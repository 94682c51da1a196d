"""Party framing: for each party to a conflict, who acts and who is acted upon, labels, tone, voice and frames.

- :mod:`~presslens.framing.parties`: the parties file (ids, labels, aliases);
- :mod:`~presslens.framing.mentions`: the ``mention`` layer, with semantic roles from the parse;
- :mod:`~presslens.framing.tone`: target-dependent tone of each mention;
- :mod:`~presslens.framing.frames`, :mod:`~presslens.framing.descriptors`: frame dimensions and labels;
- :mod:`~presslens.framing.measures`: the measures, as tidy tables.
"""
