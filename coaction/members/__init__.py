"""Organisations: members, prospects and external partners of the network."""
