from .contract import Contract, ContractNumberCounter, ContractNumbering, default_prefix

__all__ = ["Contract", "ContractNumberCounter", "ContractNumbering", "default_prefix"]
