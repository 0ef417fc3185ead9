"""The TAF plan, meetings and PARA sessions tabs of the family record, with closure and sign-off."""
