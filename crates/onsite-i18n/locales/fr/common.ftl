app-name = Onsite
greeting = Bonjour, { $name }
