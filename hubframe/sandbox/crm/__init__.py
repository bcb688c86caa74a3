"""The CRM of the sandbox portal: contacts, companies and deals, search, properties, associations.

* :mod:`.definitions`: object types, property definitions, association types (HubSpot's facts);
* :mod:`.records`: records and the table of one object type (indexes, validation, rendering);
* :mod:`.objects`: the store's object operations (list, read, write, batches, search, properties);
* :mod:`.search` and :mod:`.matching`: a search body checked, then matched and sorted;
* :mod:`.association_graph` and :mod:`.associations`: the pairs, and the v3/v4 operations;
* :mod:`.handlers`: the HTTP side of all of the above.
"""
