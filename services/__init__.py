"""Use cases: each public function opens one transaction, checks who may act, and commits once.

Pages call these; tests call them headlessly. Errors a user should read are in services.errors.
"""
