"""Form plumbing shared by the desk's service pages."""

from django import forms


class ServiceForm(forms.Form):
    """A form whose submit calls a service; the service's DomainError is shown where it belongs."""

    def add_domain_error(self, exc) -> None:
        """Show a DomainError on its fields (or on the form when it names none)."""
        placed = False
        for field, message in exc.fields.items():
            if field in self.fields:
                self.add_error(field, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)
