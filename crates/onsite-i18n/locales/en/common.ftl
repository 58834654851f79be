app-name = Onsite
greeting = Hello, { $name }
